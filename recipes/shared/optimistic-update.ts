import {
  BadVersionError,
  ClientClosedError,
  exponentialBackoff,
  NodeExistsError,
  NoNodeError,
  type RetryPolicy,
  type Stat,
  type ZooKeeperClient,
} from '../../src/index.js';
import { combineSignal, sleep, type WaitOptions } from '../internal/abortable.js';
import { isTransientError } from '../internal/wait-for-delete.js';

/**
 * Options of {@link optimisticUpdate}.
 *
 * @example
 * ```ts
 * const opts: OptimisticUpdateOptions = { retryPolicy: exponentialBackoff({ maxAttempts: 20 }) };
 * ```
 */
export interface OptimisticUpdateOptions extends WaitOptions {
  /** Delay between conflicting attempts; `null` stops. Default: 10 ms doubling to 500 ms, jittered, 50 retries. */
  retryPolicy?: RetryPolicy;
  /** Create the node (and its parents) when missing; default true. */
  createIfMissing?: boolean;
  /**
   * What a write whose reply was lost (connection loss) counts as, when the node then holds
   * exactly the bytes we wrote at the version we wrote (or was created with them):
   * `assume-applied` (default) — ours, so it is not applied twice (right for values where equal
   * bytes mean an equal state, e.g. config); `retry` — start again, as Curator does: the result
   * is always a write confirmed to be ours (right for counters handing out unique values), at
   * the price that a lost-but-applied write may be applied once more.
   */
  uncertain?: 'assume-applied' | 'retry';
}

/**
 * The outcome of an optimistic update (Curator's `AtomicValue`): `succeeded` is false when
 * the retry policy gave up after conflicting writers; `preValue` is the bytes the winning write
 * replaced (`null`: the node did not exist), `postValue` the bytes written.
 *
 * @example
 * ```ts
 * const r = await optimisticUpdate(client, '/n', (old) => Buffer.from('x'));
 * if (r.succeeded) console.log(r.stat.version);
 * ```
 */
export interface OptimisticResult {
  readonly succeeded: boolean;
  readonly preValue: Buffer | null;
  readonly postValue: Buffer | null;
  /** Stat after the write (`null` when not succeeded). */
  readonly stat: Stat | null;
  /** Number of write attempts made. */
  readonly attempts: number;
}

const defaultPolicy = exponentialBackoff({ baseMs: 10, maxMs: 500, maxAttempts: 50, jitter: true });

/**
 * Read-modify-write with a version check (internal; used by `ConfigStore`, `AtomicCounter`):
 * reads the node, computes the new bytes, writes them with `setData(version)` (or `create`
 * when missing) and starts again on `BadVersion`/`NodeExists`/`NoNode`, pausing as
 * `retryPolicy` says. A write whose reply was lost (connection loss) is, by default, checked
 * rather than blindly repeated: if the node now holds exactly our bytes at `version + 1` (or was
 * created with them), it counts as done (see `uncertain`). `transform` may throw to abort the
 * update (the error is passed on).
 *
 * @example
 * ```ts
 * const r = await optimisticUpdate(client, '/counter', (old) => encode(decode(old) + 1));
 * ```
 */
export async function optimisticUpdate(
  client: ZooKeeperClient,
  path: string,
  transform: (current: Buffer | null, stat: Stat | null) => Buffer,
  options: OptimisticUpdateOptions = {},
): Promise<OptimisticResult> {
  const signal = combineSignal(options);
  const policy = options.retryPolicy ?? defaultPolicy;
  const createIfMissing = options.createIfMissing ?? true;
  const started = Date.now();
  let pending: { bytes: Buffer; expectedVersion: number; pre: Buffer | null } | null = null;
  let retries = 0;
  /** Pauses before the next attempt; false when the policy gives up. */
  const backoff = async (transient: boolean): Promise<boolean> => {
    if (signal?.aborted) throw signal.reason;
    const delay = policy.delayMs(++retries, Date.now() - started);
    if (delay === null) return false;
    await sleep(delay, signal);
    if (transient) await client.waitForConnection(signal ? { signal } : {});
    return true;
  };
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    let current: Buffer | null = null;
    let stat: Stat | null = null;
    try {
      const r = await client.getData(path, signal ? { signal } : {});
      current = r.data;
      stat = r.stat;
    } catch (err) {
      if (isTransientError(err) && !(err instanceof ClientClosedError)) {
        if (await backoff(true)) continue;
        throw err;
      }
      if (!(err instanceof NoNodeError) || !createIfMissing) throw err;
    }
    if (pending && options.uncertain !== 'retry' && isOurWrite(pending, current, stat)) {
      return {
        succeeded: true,
        preValue: pending.pre,
        postValue: pending.bytes,
        stat,
        attempts: attempt - 1,
      };
    }
    pending = null;
    const bytes = transform(current, stat);
    try {
      pending = { bytes, expectedVersion: stat ? stat.version : -1, pre: current };
      const written =
        stat === null
          ? (await client.create(path, bytes, { createParents: true, ...(signal ? { signal } : {}) })).stat
          : await client.setData(path, bytes, { version: stat.version, ...(signal ? { signal } : {}) });
      return { succeeded: true, preValue: current, postValue: bytes, stat: written, attempts: attempt };
    } catch (err) {
      if (err instanceof ClientClosedError) throw err;
      const conflict =
        err instanceof BadVersionError || err instanceof NodeExistsError || err instanceof NoNodeError;
      if (conflict) pending = null;
      else if (!isTransientError(err)) throw err;
      if (await backoff(!conflict)) continue;
      if (conflict)
        return { succeeded: false, preValue: current, postValue: null, stat: null, attempts: attempt };
      throw err;
    }
  }
}

function isOurWrite(
  pending: { bytes: Buffer; expectedVersion: number },
  current: Buffer | null,
  stat: Stat | null,
): boolean {
  if (current === null || stat === null || !current.equals(pending.bytes)) return false;
  return pending.expectedVersion === -1 ? stat.version === 0 : stat.version === pending.expectedVersion + 1;
}
