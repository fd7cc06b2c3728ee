/**
 * `MultiLock`: several locks taken as one (Curator's `InterProcessMultiLock`).
 * @module
 */
import { InvalidArgumentError } from '../../src/index.js';
import { abortable, combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import { type Releasable, withHandle } from './with-handle.js';

/** Anything with an `acquire` that resolves to a releasable handle (`Mutex`, `readLock`, `Semaphore`…). */
export interface Lockable<H extends Releasable = Releasable> {
  acquire(opts?: WaitOptions): Promise<H>;
}

/**
 * The handle of a {@link MultiLock}: holds every member handle; `release()` releases them in
 * reverse order of acquisition.
 *
 * @example
 * ```ts
 * await using all = await multi.acquire();
 * ```
 */
export class MultiLockHandle implements AsyncDisposable, Releasable {
  /** The member handles, in acquisition order. */
  readonly handles: readonly Releasable[];
  /** Aborts when any member's `lost` aborts (with that member's reason). */
  readonly lost: AbortSignal;
  #release: Promise<void> | undefined;

  /** @internal */
  constructor(handles: readonly Releasable[]) {
    this.handles = handles;
    this.lost =
      handles.length > 0 ? AbortSignal.any(handles.map((h) => h.lost)) : new AbortController().signal;
  }

  /**
   * Releases every member in reverse order; each is attempted even when an earlier one fails
   * (then an `AggregateError` of the failures is thrown). Idempotent.
   *
   * @example
   * ```ts
   * await all.release();
   * ```
   */
  release(opts: WaitOptions = {}): Promise<void> {
    this.#release ??= releaseInReverse(this.handles);
    return abortable(this.#release, combineSignal(opts));
  }

  /** Same as `release()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

async function releaseInReverse(handles: readonly Releasable[]): Promise<void> {
  const errors: unknown[] = [];
  for (const h of [...handles].reverse()) {
    try {
      await h.release();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'releasing a multi-lock failed');
}

/**
 * Acquires several locks as one, all or nothing: they are taken in the order given (give every
 * process the same order, or two multi-locks can deadlock), a failure, abort or timeout releases
 * the ones already taken (in reverse), and `release()` lets go in reverse order.
 *
 * **Connection loss.** Each member behaves as documented for its recipe; the multi-lock's `lost`
 * fires as soon as any member is lost.
 *
 * @example
 * ```ts
 * const multi = new MultiLock([new Mutex(client, '/locks/a'), new Mutex(client, '/locks/b')]);
 * await multi.withLock(async (lost) => transfer({ signal: lost }), { timeoutMs: 5_000 });
 * ```
 */
export class MultiLock {
  readonly #locks: readonly Lockable[];

  constructor(locks: readonly Lockable[]) {
    if (!Array.isArray(locks) || locks.length === 0 || locks.some((l) => typeof l?.acquire !== 'function')) {
      throw new InvalidArgumentError('MultiLock needs a non-empty array of lockables');
    }
    this.#locks = [...locks];
  }

  /**
   * Acquires every lock in order, sharing one deadline.
   *
   * @example
   * ```ts
   * const all = await multi.acquire({ timeoutMs: 5_000 });
   * ```
   */
  async acquire(opts: WaitOptions = {}): Promise<MultiLockHandle> {
    const signal = combineSignal(opts);
    const held: Releasable[] = [];
    try {
      for (const lock of this.#locks) held.push(await lock.acquire(signal ? { signal } : {}));
    } catch (err) {
      await releaseInReverse(held).catch(() => {});
      throw err;
    }
    return new MultiLockHandle(held);
  }

  /**
   * Runs `fn` while holding every lock (same error rules as `Mutex.withLock`).
   *
   * @example
   * ```ts
   * await multi.withLock(async () => moveFunds());
   * ```
   */
  async withLock<T>(
    fn: (lost: AbortSignal, handle: MultiLockHandle) => Promise<T> | T,
    opts: WaitOptions = {},
  ): Promise<T> {
    return withHandle(await this.acquire(opts), fn);
  }
}
