/**
 * The lock behind `Mutex` and both sides of `ReadWriteLock`: a queue of protected
 * ephemeral-sequential nodes with a driver that decides ownership.
 * @module
 */
import { hostname } from 'node:os';
import { InvalidArgumentError, type ZooKeeperClient } from '../../src/index.js';
import { acquireLockNode, type LockDriver } from '../internal/lock-internals.js';
import { combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import { LockHandle } from './lock-handle.js';
import { listParticipants, type Participant } from './participants.js';
import { withHandle } from './with-handle.js';

/** Options shared by every lock recipe. */
export interface LockOptions {
  /**
   * Stored in our lock node and shown by `participants()` (default `<hostname>:<pid>`; Curator
   * stores the host address there).
   */
  participantId?: string;
  /** Treat `suspended` as lost: the handle's `lost` fires on the first connection loss. Default false. */
  suspendedIsLost?: boolean;
}

/** Options of `acquire()`: how long to wait. */
export type AcquireOptions = WaitOptions;

/**
 * The default participant id stored in lock nodes: `<hostname>:<pid>`.
 *
 * @example
 * ```ts
 * defaultParticipantId(); // 'web-1:4242'
 * ```
 */
export function defaultParticipantId(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Validates a recipe path: absolute, no trailing slash, no empty segment, not the root.
 *
 * @example
 * ```ts
 * assertRecipePath('/locks/orders');
 * ```
 */
export function assertRecipePath(path: unknown, what = 'path'): asserts path is string {
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    path === '/' ||
    path.endsWith('/') ||
    path.includes('//')
  ) {
    throw new InvalidArgumentError(
      `${what} must be an absolute ZooKeeper path other than '/', got ${String(path)}`,
    );
  }
}

/**
 * A fair, herd-free lock over a driver (see `Mutex` for the user-facing documentation).
 *
 * @example
 * ```ts
 * const lock = new SequentialLock(client, '/locks/a', 'lock-', driver, kindOf);
 * ```
 */
export class SequentialLock {
  /** The lock's path (parent of the contender nodes). */
  readonly path: string;
  /** @internal */
  protected readonly client: ZooKeeperClient;
  readonly #nodeName: string;
  readonly #driver: LockDriver;
  readonly #kindOf: (base: string) => Participant['kind'];
  readonly #options: LockOptions;

  /** @internal */
  constructor(
    client: ZooKeeperClient,
    path: string,
    nodeName: string,
    driver: LockDriver,
    kindOf: (base: string) => Participant['kind'],
    options: LockOptions = {},
  ) {
    assertRecipePath(path);
    if (options.participantId !== undefined && typeof options.participantId !== 'string') {
      throw new InvalidArgumentError('participantId must be a string');
    }
    this.client = client;
    this.path = path;
    this.#nodeName = nodeName;
    this.#driver = driver;
    this.#kindOf = kindOf;
    this.#options = options;
  }

  /**
   * Waits for the lock. Rejects with `signal.reason` on abort, a `TimeoutError` after
   * `timeoutMs`; either way our node is deleted and no watch is left behind.
   *
   * @example
   * ```ts
   * await using lock = await mutex.acquire({ timeoutMs: 10_000 });
   * ```
   */
  async acquire(opts: AcquireOptions = {}): Promise<LockHandle> {
    const handle = await this.#attempt(opts, true);
    if (!handle) throw new Error('unreachable: waiting acquire returned no lock');
    return handle;
  }

  /**
   * Takes the lock only if it is free right now (one round of create + list); resolves `null`
   * otherwise (our node is deleted before it resolves).
   *
   * @example
   * ```ts
   * const lock = await mutex.tryAcquire();
   * if (lock) try { await work(); } finally { await lock.release(); }
   * ```
   */
  tryAcquire(opts: AcquireOptions = {}): Promise<LockHandle | null> {
    return this.#attempt(opts, false);
  }

  /**
   * Runs `fn` while holding the lock and releases it afterwards, even when `fn` throws. `fn` gets
   * the handle's `lost` signal. `fn`'s error is never hidden: when `fn` throws, that same error is
   * rethrown; if the release failed as well, the release error is attached to it as
   * `releaseError` (non-enumerable). When only the release fails, its error is thrown.
   *
   * @example
   * ```ts
   * const total = await mutex.withLock(async (signal) => recompute({ signal }), { timeoutMs: 5_000 });
   * ```
   */
  async withLock<T>(
    fn: (lost: AbortSignal, handle: LockHandle) => Promise<T> | T,
    opts: AcquireOptions = {},
  ): Promise<T> {
    return withHandle(await this.acquire(opts), fn);
  }

  /**
   * Lists holders and waiters in queue order.
   *
   * @example
   * ```ts
   * for (const p of await mutex.participants()) console.log(p.role, p.id, p.sessionId);
   * ```
   */
  participants(opts: { signal?: AbortSignal } = {}): Promise<Participant[]> {
    return listParticipants(this.client, this.path, this.#driver, this.#kindOf, opts);
  }

  async #attempt(opts: AcquireOptions, wait: boolean): Promise<LockHandle | null> {
    const signal = combineSignal(opts);
    const node = await acquireLockNode(this.client, this.path, this.#driver, {
      nodeName: this.#nodeName,
      data: this.#options.participantId ?? defaultParticipantId(),
      signal,
      wait,
    });
    if (!node) return null;
    return new LockHandle(this.client, node, { suspendedIsLost: this.#options.suspendedIsLost ?? false });
  }
}
