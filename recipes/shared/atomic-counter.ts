import type { RetryPolicy, ZooKeeperClient } from '../../src/index.js';
import { NodeExistsError, NoNodeError } from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { assertPath } from '../cache/cache-paths.js';
import { decodeInt64, encodeInt64 } from './int-codecs.js';
import { optimisticUpdate } from './optimistic-update.js';

/**
 * Result of an atomic operation (Curator's `AtomicValue`): check `succeeded` — it is false
 * when the retry policy gave up under contention (nothing was written then).
 *
 * @example
 * ```ts
 * const r = await counter.increment();
 * if (r.succeeded) console.log(`${r.preValue} -> ${r.postValue}`);
 * ```
 */
export interface AtomicValue {
  readonly succeeded: boolean;
  readonly preValue: number;
  readonly postValue: number;
}

/**
 * Options of {@link AtomicCounter}.
 *
 * @example
 * ```ts
 * new AtomicCounter(client, '/ids', { retryPolicy: exponentialBackoff({ baseMs: 5, maxAttempts: 100 }) });
 * ```
 */
export interface AtomicCounterOptions {
  /** Pauses between conflicting attempts; default 10 ms doubling to 500 ms, jittered, 50 retries. */
  retryPolicy?: RetryPolicy;
}

/**
 * A distributed counter (Curator's `DistributedAtomicLong`, byte-compatible: 8-byte big-endian
 * long; a missing node counts as 0 and is created). Each operation is a read + version-checked
 * write, retried on conflict as `retryPolicy` says. Every `succeeded` result is a write
 * confirmed to be ours, so no two callers ever get the same `postValue` (safe for handing out
 * IDs); as in Curator, a write whose reply was lost to a connection loss is retried, so under
 * connection loss a value may be skipped. Values are JS safe integers.
 *
 * Stateless: no watch, nothing to start or close.
 *
 * **Connection loss.** Operations wait for the connection to come back (bounded by `signal` /
 * `timeoutMs` and the retry policy); `suspended` and `lost` need no other handling because no
 * state lives in the session.
 *
 * @example
 * ```ts
 * const orders = new AtomicCounter(client, '/counters/orders');
 * const r = await orders.increment({ timeoutMs: 5_000 });
 * if (r.succeeded) console.log('order number', r.postValue);
 * ```
 */
export class AtomicCounter {
  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly options: AtomicCounterOptions = {},
  ) {
    assertPath(path);
  }

  /** The current value (0 when the node does not exist). */
  async get(opts: WaitOptions = {}): Promise<number> {
    try {
      const { data } = await this.client.getData(this.path, opts);
      return decodeInt64(data, this.path);
    } catch (err) {
      if (err instanceof NoNodeError) return 0;
      throw err;
    }
  }

  /** Adds 1. */
  increment(opts: WaitOptions = {}): Promise<AtomicValue> {
    return this.add(1, opts);
  }

  /** Subtracts 1. */
  decrement(opts: WaitOptions = {}): Promise<AtomicValue> {
    return this.add(-1, opts);
  }

  /** Subtracts `delta`. */
  subtract(delta: number, opts: WaitOptions = {}): Promise<AtomicValue> {
    return this.add(-delta, opts);
  }

  /** Adds `delta` (a safe integer, may be negative). */
  async add(delta: number, opts: WaitOptions = {}): Promise<AtomicValue> {
    if (!Number.isSafeInteger(delta)) throw new RangeError(`delta must be a safe integer, got ${delta}`);
    return this.modify((v) => v + delta, opts);
  }

  /** Sets the value (optimistically, so the pre-value is exact). */
  async trySet(value: number, opts: WaitOptions = {}): Promise<AtomicValue> {
    encodeInt64(value);
    return this.modify(() => value, opts);
  }

  /**
   * Sets `newValue` only if the current value is `expected`; `succeeded` false (and no write)
   * otherwise.
   */
  async compareAndSet(expected: number, newValue: number, opts: WaitOptions = {}): Promise<AtomicValue> {
    encodeInt64(newValue);
    return this.modify((v) => {
      if (v !== expected) throw new CompareMismatch(v);
      return newValue;
    }, opts).catch((err: unknown) => {
      if (err instanceof CompareMismatch)
        return { succeeded: false, preValue: err.current, postValue: err.current };
      throw err;
    });
  }

  /** Creates the node with `value` if it does not exist; false when it already exists. */
  async initialize(value: number, opts: WaitOptions = {}): Promise<boolean> {
    try {
      await this.client.create(this.path, encodeInt64(value), { ...opts, createParents: true });
      return true;
    } catch (err) {
      if (err instanceof NodeExistsError) return false;
      throw err;
    }
  }

  private async modify(fn: (current: number) => number, opts: WaitOptions): Promise<AtomicValue> {
    let pre = 0;
    let post = 0;
    const r = await optimisticUpdate(
      this.client,
      this.path,
      (bytes) => {
        pre = bytes === null ? 0 : decodeInt64(bytes, this.path);
        post = fn(pre);
        return encodeInt64(post);
      },
      {
        ...opts,
        uncertain: 'retry',
        ...(this.options.retryPolicy ? { retryPolicy: this.options.retryPolicy } : {}),
      },
    );
    if (!r.succeeded) return { succeeded: false, preValue: pre, postValue: pre };
    return {
      succeeded: true,
      preValue: r.preValue === null ? 0 : decodeInt64(r.preValue, this.path),
      postValue: r.postValue === null ? post : decodeInt64(r.postValue, this.path),
    };
  }
}

class CompareMismatch extends Error {
  constructor(readonly current: number) {
    super('compare mismatch');
  }
}
