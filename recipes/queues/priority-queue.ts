// Priority queue, at most once: lower priority values are taken first, FIFO within a priority.
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/wait-signal.js';
import { AtMostOnceQueue, type QueueOptions } from './at-most-once-queue.js';
import { toBytes } from './put-items.js';
import type { QueueItem } from './queue-core.js';
import { priorityNaming, priorityPrefix } from './queue-naming.js';

/** An item for {@link PriorityQueue.putMany}. */
export interface PriorityItem {
  readonly data: Uint8Array | string;
  /** Signed 32-bit integer; lower is taken first. Default 0. */
  readonly priority?: number;
}

/**
 * A distributed priority queue with at-most-once delivery and exactly-once puts (the same put,
 * take and fault rules as {@link Queue}). Items are `<path>/pq-<priority>-_c_<uuid>-<sequence>`
 * (`<path>/pq-<priority>-<sequence>` with `protectedPuts: false`; both are consumed), where the
 * priority is a signed 32-bit integer written as 8 hex digits (biased by 2^31); lower values are
 * taken first, and items of equal priority in put (sequence) order.
 *
 * A consumer re-lists the queue whenever its children watch fires (a new item may outrank the
 * ones it knows), so a busy priority queue costs one `getChildren` per change.
 *
 * **Connection loss.** As {@link Queue}: `suspended` waits (a put whose reply was lost reads
 * back once reconnected), `lost` re-lists in the new session; items are persistent.
 *
 * @example
 * ```ts
 * const queue = new PriorityQueue(client, '/tasks');
 * await queue.put('routine', { priority: 10 });
 * await queue.put('urgent', { priority: -5 });
 * (await queue.take()).data.toString(); // 'urgent'
 * ```
 */
export class PriorityQueue extends AtMostOnceQueue {
  constructor(client: ZooKeeperClient, path: string, options: QueueOptions = {}) {
    super(client, path, priorityNaming, options);
  }

  /**
   * Adds one item with `priority` (default 0), exactly once; resolves to its node name.
   *
   * @example
   * ```ts
   * await queue.put('x', { priority: 1 });
   * ```
   */
  async put(data: Uint8Array | string, opts: { priority?: number } = {}): Promise<string> {
    return this.putOne(priorityPrefix(opts.priority ?? 0), toBytes(data));
  }

  /**
   * Adds many items in as few atomic multis as fit the size limit (each exactly once); names
   * in input order.
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
    return this.putBatch(batch);
  }

  /**
   * Returns the next item without removing it, or `null` when the queue is empty.
   *
   * @example
   * ```ts
   * const head = await queue.peek();
   * ```
   */
  peek(opts: WaitOptions = {}): Promise<QueueItem | null> {
    return this.core.peek(opts);
  }
}
