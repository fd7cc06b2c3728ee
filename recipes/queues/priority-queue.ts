// Priority queue, at most once: lower priority values are taken first, FIFO within a priority.
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/wait-signal.js';
import { DEFAULT_MAX_BATCH_BYTES, putItem, putItems, toBytes } from './put-items.js';
import type { QueueOptions } from './queue.js';
import { QueueCore, type QueueItem } from './queue-core.js';
import { priorityNaming, priorityPrefix } from './queue-naming.js';

/** An item for {@link PriorityQueue.putMany}. */
export interface PriorityItem {
  readonly data: Uint8Array | string;
  /** Signed 32-bit integer; lower is taken first. Default 0. */
  readonly priority?: number;
}

/**
 * A distributed priority queue with at-most-once delivery (the same take and fault rules as
 * {@link Queue}). Items are `<path>/pq-<priority>-<sequence>`, where the priority is a signed
 * 32-bit integer written as 8 hex digits (biased by 2^31 so names sort in priority order);
 * lower values are taken first, and items of equal priority in put order.
 *
 * A consumer re-lists the queue whenever its children watch fires (a new item may outrank the
 * ones it knows), so a busy priority queue costs one `getChildren` per change.
 *
 * **Connection loss.** As {@link Queue}: `suspended` waits, `lost` re-lists in the new session;
 * items are persistent.
 *
 * @example
 * ```ts
 * const queue = new PriorityQueue(client, '/tasks');
 * await queue.put('routine', { priority: 10 });
 * await queue.put('urgent', { priority: -5 });
 * (await queue.take()).data.toString(); // 'urgent'
 * ```
 */
export class PriorityQueue implements AsyncDisposable {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #core: QueueCore;
  readonly #maxBatchBytes: number;

  constructor(client: ZooKeeperClient, path: string, options: QueueOptions = {}) {
    this.#client = client;
    this.#path = path;
    this.#core = new QueueCore(client, path, priorityNaming, options.prefetchCount);
    this.#maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  /** The queue node's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Adds one item with `priority` (default 0); resolves to its node name.
   *
   * @example
   * ```ts
   * await queue.put('x', { priority: 1 });
   * ```
   */
  async put(data: Uint8Array | string, opts: { priority?: number } = {}): Promise<string> {
    return putItem(this.#client, this.#path, {
      prefix: priorityPrefix(opts.priority ?? 0),
      data: toBytes(data),
    });
  }

  /**
   * Adds many items in as few atomic multis as fit the size limit.
   *
   * @example
   * ```ts
   * await queue.putMany([{ data: 'a', priority: 2 }, { data: 'b' }]);
   * ```
   */
  async putMany(items: readonly PriorityItem[]): Promise<string[]> {
    const batch = items.map((item) => ({
      prefix: priorityPrefix(item.priority ?? 0),
      data: toBytes(item.data),
    }));
    return putItems(this.#client, this.#path, batch, this.#maxBatchBytes);
  }

  /**
   * Removes and returns the highest-priority item, waiting for one.
   *
   * @example
   * ```ts
   * const item = await queue.take({ timeoutMs: 1_000 });
   * ```
   */
  take(opts: WaitOptions = {}): Promise<QueueItem> {
    return this.#core.take(opts);
  }

  /**
   * Removes and returns the highest-priority item, or `null` when empty.
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
   * Reads the highest-priority item without removing it.
   *
   * @example
   * ```ts
   * const head = await queue.peek();
   * ```
   */
  peek(opts: WaitOptions = {}): Promise<QueueItem | null> {
    return this.#core.peek(opts);
  }

  /**
   * Number of items.
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

  /** Same as {@link PriorityQueue.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
