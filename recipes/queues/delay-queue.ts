// Delay queue, at most once: an item becomes visible to consumers at its due time.
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/wait-signal.js';
import { DEFAULT_MAX_BATCH_BYTES, putItem, putItems, toBytes } from './put-items.js';
import type { QueueOptions } from './queue.js';
import { QueueCore, type QueueItem } from './queue-core.js';
import { delayNaming, delayPrefix } from './queue-naming.js';

/** When a delayed item becomes visible: after `delayMs`, or at `dueAt`. */
export type DelaySpec = { delayMs: number } | { dueAt: Date | number };

/** An item for {@link DelayQueue.putMany}. */
export type DelayedItem = { readonly data: Uint8Array | string } & DelaySpec;

function dueAtMs(spec: DelaySpec): number {
  if ('delayMs' in spec) {
    if (!Number.isFinite(spec.delayMs) || spec.delayMs < 0)
      throw new RangeError(`delayMs must be >= 0, got ${spec.delayMs}`);
    return Math.ceil(Date.now() + spec.delayMs);
  }
  return Math.ceil(spec.dueAt instanceof Date ? spec.dueAt.getTime() : spec.dueAt);
}

/**
 * A distributed delay queue with at-most-once delivery: an item can be taken from its due
 * time on; due items are taken earliest first. Items are `<path>/dq-<due epoch ms, 12 hex>-<sequence>`.
 * A waiting consumer sleeps on a timer to the earliest due item **and** the children watch
 * (an earlier item may arrive), never by polling.
 *
 * Due times are epoch milliseconds of the producer's clock compared with the consumer's clock:
 * clock skew between machines shifts delivery by the skew.
 *
 * **Connection loss.** As {@link Queue}: `suspended` waits, `lost` re-lists in the new session;
 * items are persistent.
 *
 * @example
 * ```ts
 * const queue = new DelayQueue(client, '/reminders');
 * await queue.put('ping', { delayMs: 60_000 });
 * const item = await queue.take(); // about a minute later
 * ```
 */
export class DelayQueue implements AsyncDisposable {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #core: QueueCore;
  readonly #maxBatchBytes: number;

  constructor(client: ZooKeeperClient, path: string, options: QueueOptions = {}) {
    this.#client = client;
    this.#path = path;
    this.#core = new QueueCore(client, path, delayNaming, options.prefetchCount);
    this.#maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  /** The queue node's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Adds one item that becomes visible after `delayMs` or at `dueAt`.
   *
   * @example
   * ```ts
   * await queue.put('x', { dueAt: new Date(Date.now() + 5_000) });
   * ```
   */
  async put(data: Uint8Array | string, when: DelaySpec): Promise<string> {
    return putItem(this.#client, this.#path, { prefix: delayPrefix(dueAtMs(when)), data: toBytes(data) });
  }

  /**
   * Adds many delayed items in as few atomic multis as fit the size limit.
   *
   * @example
   * ```ts
   * await queue.putMany([{ data: 'a', delayMs: 100 }, { data: 'b', delayMs: 200 }]);
   * ```
   */
  async putMany(items: readonly DelayedItem[]): Promise<string[]> {
    const batch = items.map((item) => ({ prefix: delayPrefix(dueAtMs(item)), data: toBytes(item.data) }));
    return putItems(this.#client, this.#path, batch, this.#maxBatchBytes);
  }

  /**
   * Removes and returns the earliest due item, waiting until one is due.
   *
   * @example
   * ```ts
   * const item = await queue.take({ signal });
   * ```
   */
  take(opts: WaitOptions = {}): Promise<QueueItem> {
    return this.#core.take(opts);
  }

  /**
   * Removes and returns the earliest due item, or `null` when none is due yet.
   *
   * @example
   * ```ts
   * const item = await queue.poll();
   * ```
   */
  poll(opts: WaitOptions = {}): Promise<QueueItem | null> {
    return this.#core.poll(opts);
  }

  /**
   * Number of items, due or not.
   *
   * @example
   * ```ts
   * await queue.size();
   * ```
   */
  async size(opts: WaitOptions = {}): Promise<number> {
    return (await this.#core.entries(opts)).length;
  }

  /**
   * Stops this consumer (waiting takes reject with an `AbortError`). Idempotent.
   *
   * @example
   * ```ts
   * await queue.close();
   * ```
   */
  async close(): Promise<void> {
    this.#core.close();
  }

  /** Same as {@link DelayQueue.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
