// FIFO queue, at most once: ZooKeeper's queue recipe (`qn-` items), data-compatible with
// Curator's SimpleDistributedQueue.
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/wait-signal.js';
import { AtMostOnceQueue, type QueueOptions } from './at-most-once-queue.js';
import { toBytes } from './put-items.js';
import type { QueueItem } from './queue-core.js';
import { FIFO_PREFIX, fifoNaming } from './queue-naming.js';

/**
 * A distributed FIFO queue with **at-most-once** delivery: `take()` removes the head item
 * (a versioned delete: whoever deletes it owns it), so an item is never handed to two
 * consumers, and an item a consumer took is gone even if that consumer crashes before
 * processing it. Use {@link LockingQueue} when items must survive a consumer's death.
 *
 * Items are persistent-sequential nodes `<path>/qn-_c_<uuid>-<sequence>` (ZooKeeper's queue
 * recipe with a protection marker; `<path>/qn-<sequence>` as Curator's `SimpleDistributedQueue`
 * writes them with `protectedPuts: false`); the queue node is a container. Both forms are
 * consumed, in sequence order, so items written by Curator or by older versions are taken too.
 * FIFO order holds for one consumer; with several, each takes the first item it can delete.
 * Consumers wait on a children watch, never by polling. One queue node holds up to about 10k
 * items comfortably (a listing must fit in one 1 MiB reply).
 *
 * **Delivery when a reply is lost.** Puts are exactly once: each put (one item, or one
 * `putMany` chunk) carries a fresh uuid in its items' names (puts issued while another is in
 * flight are written together in the next transaction) and writes an ephemeral receipt
 * `<path>/receipt-<uuid>-<sequence>` in the same transaction (consumers ignore it; the
 * producer's next put deletes it, or the producer does soon after). When a put's reply is lost,
 * the producer reads the queue back: an item or the receipt with its uuid means the put went
 * through (even if a consumer already took the item); neither, in the same session, means it
 * did not, and the same transaction is sent again. Only when the session that sent the put ended
 * before it could be read back and none of its items is left does it reject with
 * {@link PutOutcomeUnknownError} (carrying the data): then nobody can tell. With
 * `protectedPuts: false` a lost reply rejects with the connection error and retrying may
 * duplicate the item. A `take` whose delete reply is lost reads the queue again after
 * reconnecting: if the item is still there, the delete is retried; if it is gone, nobody can
 * tell whether we or another consumer removed it, so `take` rejects with
 * {@link TakeOutcomeUnknownError} carrying the item (never a silent loss, never a duplicate).
 *
 * **Connection loss.** On `suspended`, pending `take`s keep waiting (their requests wait for
 * the connection, bounded by the client's `requestTimeoutMs`; the children watch survives a
 * reconnect within the session), and a `put` whose reply was lost reads back once reconnected.
 * On `lost`, the watch fires `session-lost`, and waiting `take`s list the queue again in the new
 * session; a `put` caught in flight is decided as above (a put that was never sent is written in
 * the new session). Items are persistent, so nothing in the queue is lost with a session.
 *
 * @example
 * ```ts
 * const queue = new Queue(client, '/jobs');
 * await queue.put(JSON.stringify({ id: 1 }));
 * await queue.putMany(['a', 'b', 'c']);          // one multi, exactly once
 * const item = await queue.take({ timeoutMs: 5_000 });
 * console.log(item.name, item.data.toString());
 * await queue.close();
 * ```
 */
export class Queue extends AtMostOnceQueue {
  constructor(client: ZooKeeperClient, path: string, options: QueueOptions = {}) {
    super(client, path, fifoNaming, options);
  }

  /**
   * Appends one item, exactly once; resolves to its node name (`qn-_c_<uuid>-0000000042`, or
   * `qn-0000000042` with `protectedPuts: false`). Rejects only when nothing was written, or with
   * {@link PutOutcomeUnknownError} when a lost reply cannot be resolved (see {@link Queue}).
   *
   * @example
   * ```ts
   * const name = await queue.put('hello');
   * ```
   */
  async put(data: Uint8Array | string): Promise<string> {
    return this.putOne(FIFO_PREFIX, toBytes(data));
  }

  /**
   * Appends many items in as few multi requests as fit under the size limit; each multi is
   * atomic, keeps the input order and is written exactly once (one uuid per multi). Resolves to
   * the node names in input order; a failure after some multis rejects with
   * {@link PutManyError} listing the items written.
   *
   * @example
   * ```ts
   * const names = await queue.putMany(['a', 'b', 'c']);
   * ```
   */
  async putMany(items: readonly (Uint8Array | string)[]): Promise<string[]> {
    const batch = items.map((data) => ({ prefix: FIFO_PREFIX, data: toBytes(data) }));
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
