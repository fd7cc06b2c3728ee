// What the FIFO, priority and delay queues share: the consumer side (take, poll, size, close)
// over one QueueCore, and batched puts. Each subclass names its items (its QueueNaming) and
// says how a producer orders them.
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/wait-signal.js';
import { DEFAULT_MAX_BATCH_BYTES, ItemWriter } from './put-items.js';
import { QueueCore, type QueueItem } from './queue-core.js';
import type { QueueNaming } from './queue-naming.js';

/**
 * Options of a {@link Queue}, {@link PriorityQueue} or {@link DelayQueue}.
 *
 * @example
 * ```ts
 * const queue = new Queue(client, '/jobs', { prefetchCount: 64, maxBatchBytes: 512 * 1024 });
 * // Curator / kazoo / older zk-recipes consumers read this queue: plain names, no receipts
 * const legacy = new Queue(client, '/curator-jobs', { protectedPuts: false });
 * ```
 */
export interface QueueOptions {
  /** Items whose data a consumer reads in one multiRead when its cache runs dry. Default 32. */
  prefetchCount?: number;
  /** Byte budget of one multi in `putMany` (under the server's 1 MiB limit). Default 960 KiB. */
  maxBatchBytes?: number;
  /**
   * Exactly-once puts (default `true`): every put names its items `<prefix>_c_<uuid>-<sequence>`
   * and writes an ephemeral `receipt-<uuid>-<sequence>` node in the same transaction, so a put
   * whose reply is lost is looked up (and only re-sent when it was not applied) instead of
   * failing or being duplicated. `false` writes plain names (`qn-<sequence>`, as Curator's
   * `SimpleDistributedQueue` and versions before protected puts) with no receipt: use it when
   * consumers other than this library's current version read the queue. A lost reply then
   * rejects with the connection error, and retrying the put **may duplicate** the item.
   */
  protectedPuts?: boolean;
}

/**
 * The consumer side shared by the at-most-once queues ({@link Queue}, {@link PriorityQueue},
 * {@link DelayQueue}): `take()` removes the next item in the queue's order with a delete, so an
 * item is never handed to two consumers. See each subclass for its order and fault rules.
 *
 * @example
 * ```ts
 * async function drain(queue: AtMostOnceQueue): Promise<void> {
 *   for (let item = await queue.poll(); item; item = await queue.poll()) handle(item.data);
 * }
 * ```
 */
export abstract class AtMostOnceQueue implements AsyncDisposable {
  /** The client the queue works through. @internal */
  protected readonly client: ZooKeeperClient;
  /** The consumer machinery: listing, prefetch, take by delete. @internal */
  protected readonly core: QueueCore;
  readonly #path: string;
  readonly #writer: ItemWriter;

  /** @internal */
  protected constructor(client: ZooKeeperClient, path: string, naming: QueueNaming, options: QueueOptions) {
    this.client = client;
    this.#path = path;
    this.core = new QueueCore(client, path, naming, options.prefetchCount);
    this.#writer = new ItemWriter(client, path, {
      protectedPuts: options.protectedPuts ?? true,
      maxBatchBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    });
  }

  /** The queue node's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Creates one item node named `<prefix>_c_<uuid>-<sequence>` (or `<prefix><sequence>` without
   * protected puts), exactly once across a lost reply; resolves to its name. @internal
   */
  protected putOne(prefix: string, data: Uint8Array): Promise<string> {
    return this.#writer.put({ prefix, data });
  }

  /** Creates items in as few atomic multis as fit the size limit; names in input order. @internal */
  protected putBatch(batch: { prefix: string; data: Uint8Array }[]): Promise<string[]> {
    return this.#writer.putMany(batch);
  }

  /**
   * Removes and returns the next item (waiting, on a children watch, until there is one).
   * Rejects with `signal.reason` on abort or a `TimeoutError` after `timeoutMs`.
   *
   * @example
   * ```ts
   * const { data } = await queue.take({ signal });
   * ```
   */
  take(opts: WaitOptions = {}): Promise<QueueItem> {
    return this.core.take(opts);
  }

  /**
   * Removes and returns the next item, or `null` at once when there is none (for a delay
   * queue: none due yet).
   *
   * @example
   * ```ts
   * const item = await queue.poll();
   * ```
   */
  poll(opts: WaitOptions = {}): Promise<QueueItem | null> {
    return this.core.poll(opts);
  }

  /**
   * Number of items in the queue (for a delay queue, due or not).
   *
   * @example
   * ```ts
   * console.log(await queue.size());
   * ```
   */
  async size(opts: WaitOptions = {}): Promise<number> {
    return (await this.core.entries(opts)).length;
  }

  /**
   * Stops this consumer: waiting `take`s reject with an `AbortError` and the children watch
   * is removed; receipts of this producer's puts are deleted in the background. Items stay in
   * the queue. Idempotent.
   *
   * @example
   * ```ts
   * await queue.close();
   * ```
   */
  async close(): Promise<void> {
    this.core.close();
    this.#writer.flush();
  }

  /** Same as {@link AtMostOnceQueue.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
