// Delay queue, at most once: an item becomes visible to consumers at its due time.
import type { ZooKeeperClient } from '../../src/index.js';
import { AtMostOnceQueue, type QueueOptions } from './at-most-once-queue.js';
import { toBytes } from './put-items.js';
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
 * A distributed delay queue with at-most-once delivery and exactly-once puts (as {@link Queue}):
 * an item can be taken from its due time on; due items are taken earliest first. Items are
 * `<path>/dq-<due epoch ms, 12 hex>-_c_<uuid>-<sequence>` (`dq-<due>-<sequence>` with
 * `protectedPuts: false`; both are consumed).
 * A waiting consumer sleeps on a timer to the earliest due item **and** the children watch
 * (an earlier item may arrive), never by polling.
 *
 * Due times are epoch milliseconds of the producer's clock compared with the consumer's clock:
 * clock skew between machines shifts delivery by the skew.
 *
 * **Connection loss.** As {@link Queue}: `suspended` waits (a put whose reply was lost reads
 * back once reconnected), `lost` re-lists in the new session; items are persistent.
 *
 * @example
 * ```ts
 * const queue = new DelayQueue(client, '/reminders');
 * await queue.put('ping', { delayMs: 60_000 });
 * const item = await queue.take(); // about a minute later
 * ```
 */
export class DelayQueue extends AtMostOnceQueue {
  constructor(client: ZooKeeperClient, path: string, options: QueueOptions = {}) {
    super(client, path, delayNaming, options);
  }

  /**
   * Adds one item that becomes visible after `delayMs` or at `dueAt`, exactly once; resolves to
   * its node name.
   *
   * @example
   * ```ts
   * await queue.put('x', { dueAt: new Date(Date.now() + 5_000) });
   * ```
   */
  async put(data: Uint8Array | string, when: DelaySpec): Promise<string> {
    return this.putOne(delayPrefix(dueAtMs(when)), toBytes(data));
  }

  /**
   * Adds many delayed items in as few atomic multis as fit the size limit (each exactly once);
   * names in input order.
   *
   * @example
   * ```ts
   * await queue.putMany([{ data: 'a', delayMs: 100 }, { data: 'b', delayMs: 200 }]);
   * ```
   */
  async putMany(items: readonly DelayedItem[]): Promise<string[]> {
    const batch = items.map((item) => ({ prefix: delayPrefix(dueAtMs(item)), data: toBytes(item.data) }));
    return this.putBatch(batch);
  }
}
