// Queue with take-then-complete semantics (kazoo's LockingQueue layout): an item stays in the
// queue, locked by an ephemeral node, until its consumer completes it; a consumer that dies
// loses its locks with its session and the items become available again.
import { randomUUID } from 'node:crypto';
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { ChildrenWatch } from '../internal/children-watch.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { retryTransient } from '../internal/retry-transient.js';
import { abortable, combineSignal, throwIfAborted, type WaitOptions } from '../internal/wait-signal.js';
import { isOutcomeUnknown } from './ambiguous-error.js';
import { LockedItem } from './locked-item.js';
import { DEFAULT_MAX_BATCH_BYTES, ensureQueuePath, ItemWriter, toBytes } from './put-items.js';
import {
  lockingNaming,
  lockingPrefix,
  type QueueEntry,
  sortEntries,
  toSortedEntries,
} from './queue-naming.js';

/**
 * Options of a {@link LockingQueue}.
 *
 * @example
 * ```ts
 * const queue = new LockingQueue(client, '/work', { consumerId: `worker-${process.pid}` });
 * // kazoo consumers read this queue: plain entry names, no receipts in entries/
 * const shared = new LockingQueue(client, '/kazoo-work', { protectedPuts: false });
 * ```
 */
export interface LockingQueueOptions {
  /** Written into our lock nodes (who holds what); default a random UUID. */
  consumerId?: string;
  /** Byte budget of one multi in `putMany`. Default 960 KiB. */
  maxBatchBytes?: number;
  /**
   * Exactly-once puts (default `true`): items are named `entry-<priority>-_c_<uuid>-<sequence>`
   * and each put writes an ephemeral `entries/receipt-<uuid>-<sequence>` in the same
   * transaction, so a put whose reply is lost is looked up (and only re-sent when it was not
   * applied) instead of failing or being duplicated. `false` writes kazoo's plain
   * `entry-<priority>-<sequence>` names and no receipt (kazoo takes every child of `entries/`
   * as an item): use it when kazoo or older zk-recipes consumers read the queue. A lost reply
   * then rejects with the connection error, and retrying the put **may duplicate** the item.
   */
  protectedPuts?: boolean;
}

/** An item for {@link LockingQueue.putMany}. */
export interface LockingQueueItem {
  readonly data: Uint8Array | string;
  /** 0–999, lower first; default 100 (kazoo's default). */
  readonly priority?: number;
}

/**
 * A distributed queue where an item is **never lost**: `take()` locks the first free item
 * (an ephemeral `taken/<item>` node created in one transaction with a check that the item
 * still exists) and returns a {@link LockedItem}; `complete()` deletes the item and its lock
 * in one transaction, `giveBack()` releases the lock. If the consumer dies (its session ends),
 * the server deletes its locks and the items go back to the queue. Delivery is at least once;
 * an item is completed at most once.
 *
 * Layout (kazoo's `LockingQueue`): `<path>/entries/entry-<priority 3 digits>-_c_<uuid>-<sequence>`
 * (persistent-sequential, raw data; kazoo's plain `entry-<priority>-<sequence>` with
 * `protectedPuts: false`, and both are consumed, by priority then sequence) and
 * `<path>/taken/<entry>` (ephemeral, data = consumer id). Consumers wait on children watches of
 * both nodes, never by polling.
 *
 * **Puts are exactly once.** Each put (one item, or one `putMany` chunk) carries a fresh uuid in
 * its items' names and writes an ephemeral receipt `entries/receipt-<uuid>-<sequence>` in the
 * same transaction (deleted by the producer's next put, or soon after in the background). When
 * the reply is lost, the producer reads `entries` back: an item or the receipt with its uuid
 * means the put went through (even if a consumer already took the item); neither, in the same
 * session, means it did not, and the same transaction is sent again. Only when the session that
 * sent the put ended before it could be read back and none of its items is left does the put
 * reject with {@link PutOutcomeUnknownError} (carrying the data): then nobody can tell.
 *
 * **Connection loss.** On `suspended`, held items stay held and waiting `take`s keep waiting
 * (the watches survive a reconnect in the same session). On `lost`, every {@link LockedItem}
 * of that session fires `lost` (its lock is gone and its item is back in the queue), and
 * waiting `take`s list again in the new session. A `take` whose lock transaction reply is lost
 * reads its lock back: it keeps the item only if the lock exists in its current session. A
 * `put` in flight when the connection drops waits for the reconnect and reads back as above; one
 * that outlives its session rejects with {@link PutOutcomeUnknownError} unless its items are
 * found (or it was never sent, then it is written in the new session).
 *
 * @example
 * ```ts
 * const queue = new LockingQueue(client, '/work');
 * await queue.put('job-1'); // exactly once, even when the reply is lost
 * const item = await queue.take({ timeoutMs: 10_000 });
 * try {
 *   await handle(item.data);
 *   await item.complete();
 * } catch (err) {
 *   await item.giveBack();
 * }
 * ```
 */
export class LockingQueue implements AsyncDisposable {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #entriesPath: string;
  readonly #takenPath: string;
  readonly #consumerId: string;
  readonly #writer: ItemWriter;
  readonly #entriesWatch: ChildrenWatch;
  readonly #takenWatch: ChildrenWatch;
  readonly #closed = new AbortController();
  /** The items of the last listing, in take order. */
  #sorted: QueueEntry[] = [];

  constructor(client: ZooKeeperClient, path: string, options: LockingQueueOptions = {}) {
    this.#client = client;
    this.#path = path;
    this.#entriesPath = `${path}/entries`;
    this.#takenPath = `${path}/taken`;
    this.#consumerId = options.consumerId ?? randomUUID();
    this.#writer = new ItemWriter(client, this.#entriesPath, {
      protectedPuts: options.protectedPuts ?? true,
      maxBatchBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    });
    this.#entriesWatch = new ChildrenWatch(client, this.#entriesPath);
    this.#takenWatch = new ChildrenWatch(client, this.#takenPath);
  }

  /** The queue node's path. */
  get path(): string {
    return this.#path;
  }

  /** The id written into this consumer's lock nodes. */
  get consumerId(): string {
    return this.#consumerId;
  }

  /**
   * Adds one item (priority 0–999, default 100, lower first); resolves to its node name
   * (`entry-050-_c_<uuid>-0000000012`, or `entry-050-0000000012` with `protectedPuts: false`).
   * Exactly once: a put whose reply is lost is looked up and only re-sent when it was not
   * applied; it rejects only when nothing was written, or with {@link PutOutcomeUnknownError}
   * when that cannot be told (see {@link LockingQueue}).
   *
   * @example
   * ```ts
   * await queue.put('job', { priority: 50 });
   * ```
   */
  async put(data: Uint8Array | string, opts: { priority?: number } = {}): Promise<string> {
    return this.#writer.put({ prefix: lockingPrefix(opts.priority ?? 100), data: toBytes(data) });
  }

  /**
   * Adds many items in as few atomic multis as fit the size limit, each multi exactly once
   * like {@link LockingQueue.put}; names in input order.
   *
   * @example
   * ```ts
   * await queue.putMany([{ data: 'a' }, { data: 'b', priority: 10 }]);
   * ```
   */
  async putMany(items: readonly (LockingQueueItem | Uint8Array | string)[]): Promise<string[]> {
    const batch = items.map((item) => {
      const { data, priority } =
        typeof item === 'string' || item instanceof Uint8Array ? { data: item, priority: 100 } : item;
      return { prefix: lockingPrefix(priority ?? 100), data: toBytes(data) };
    });
    return this.#writer.putMany(batch);
  }

  /**
   * Locks and returns the first free item, waiting for one. Rejects with `signal.reason` on
   * abort or a `TimeoutError` after `timeoutMs`.
   *
   * @example
   * ```ts
   * const item = await queue.take({ signal });
   * ```
   */
  async take(opts: WaitOptions = {}): Promise<LockedItem> {
    const user = combineSignal(opts);
    const signal = user ? AbortSignal.any([user, this.#closed.signal]) : this.#closed.signal;
    for (;;) {
      throwIfAborted(signal);
      const [entries, taken] = await this.#listBoth(signal);
      const free = this.#freeEntries(entries, taken);
      // Go through the free items in order; after losing a race for one (another consumer
      // locked it first) jump a few ahead so two consumers stop colliding on every item, then
      // try the ones jumped over before waiting: nothing free is left untried.
      const skipped: string[] = [];
      for (let i = 0; i < free.length; i++) {
        throwIfAborted(signal);
        const name = (free[i] as { name: string }).name;
        const item = await this.#tryLock(name);
        if (item === 'taken') {
          const jump = Math.floor(Math.random() * 4);
          for (const e of free.slice(i + 1, i + 1 + jump)) skipped.push(e.name);
          i += jump;
        } else if (item) {
          return item;
        }
      }
      for (const name of skipped) {
        throwIfAborted(signal);
        const item = await this.#tryLock(name);
        if (item && item !== 'taken') return item;
      }
      await abortable(Promise.race([this.#entriesWatch.changed, this.#takenWatch.changed]), signal);
    }
  }

  /**
   * Number of items in the queue, locked or not.
   *
   * @example
   * ```ts
   * await queue.size();
   * ```
   */
  async size(opts: WaitOptions = {}): Promise<number> {
    try {
      const children = await this.#client.getChildren(this.#entriesPath, { signal: combineSignal(opts) });
      return toSortedEntries(lockingNaming, children).length;
    } catch (err) {
      if (err instanceof NoNodeError) return 0;
      throw err;
    }
  }

  /**
   * Stops this consumer: waiting `take`s reject with an `AbortError`; the watches are removed.
   * Items already taken stay held until completed or given back. Idempotent.
   *
   * @example
   * ```ts
   * await queue.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new DOMException('queue closed', 'AbortError'));
    this.#entriesWatch.dispose();
    this.#takenWatch.dispose();
    this.#writer.flush();
  }

  /** Same as {@link LockingQueue.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #listBoth(signal: AbortSignal): Promise<[string[], string[]]> {
    for (;;) {
      try {
        return await retryTransient(
          () => Promise.all([this.#entriesWatch.list({ signal }), this.#takenWatch.list({ signal })]),
          signal,
        );
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        await Promise.all([
          ensureQueuePath(this.#client, this.#entriesPath),
          ensureQueuePath(this.#client, this.#takenPath),
        ]);
      }
    }
  }

  /**
   * The free items of a listing, in take order. The last listing's sorted entries are reused:
   * names that are still listed keep their order, and only names new since then are parsed and
   * sorted, then merged in (a deep queue is listed on every take; this keeps that O(n)).
   */
  #freeEntries(entries: readonly string[], taken: readonly string[]): QueueEntry[] {
    const listed = new Set(entries);
    const kept = this.#sorted.filter((e) => listed.has(e.name));
    const known = new Set(this.#sorted.map((e) => e.name));
    const fresh: QueueEntry[] = [];
    for (const name of entries) {
      if (known.has(name)) continue;
      const entry = lockingNaming.parse(name);
      if (entry) fresh.push(entry);
    }
    const sorted = fresh.length === 0 ? kept : mergeSorted(kept, sortEntries(fresh));
    this.#sorted = sorted;
    if (taken.length === 0) return sorted;
    const takenSet = new Set(taken);
    return sorted.filter((e) => !takenSet.has(e.name));
  }

  /**
   * Locks `name` if it is still there and free; `'taken'` if another consumer holds it, else
   * `null`. One round trip: the lock transaction (a check that the entry exists plus the
   * ephemeral lock) and the entry's read are sent back to back. The server answers a session's
   * requests in order, so the read sees the entry as it is once our lock is in place (entries
   * are never rewritten, and only a lock holder deletes one); it is used only when the lock is
   * ours.
   */
  async #tryLock(name: string): Promise<LockedItem | 'taken' | null> {
    const entryPath = `${this.#entriesPath}/${name}`;
    const lockPath = `${this.#takenPath}/${name}`;
    const sessionId = this.#client.sessionId;
    // No signal: abandoning the transaction in flight could leave a lock we do not know of.
    const locking = this.#client
      .multi()
      .check(entryPath, -1)
      .create(lockPath, this.#consumerId, { mode: 'ephemeral' })
      .commit();
    const reading = this.#client.getData(entryPath);
    reading.catch(() => {}); // only looked at when the lock is ours
    try {
      await locking;
    } catch (err) {
      if (err instanceof NodeExistsError) return 'taken';
      if (err instanceof NoNodeError) return null;
      if (!isOutcomeUnknown(err)) throw err;
      return this.#readBackLock(name, entryPath, lockPath);
    }
    if (this.#client.sessionId !== sessionId) return this.#readBackLock(name, entryPath, lockPath);
    let data: Buffer;
    try {
      data = (await reading).data;
    } catch {
      // The read behind our transaction failed (e.g. connection loss after the lock's reply):
      // read again, holding the lock.
      const again = await this.#readLocked(entryPath, lockPath, sessionId);
      if (!again) return null;
      data = again;
    }
    return new LockedItem(this.#client, name, data, { entryPath, lockPath }, sessionId);
  }

  /**
   * Reads a locked entry's data; when the entry is gone (removed by hand) or cannot be read,
   * releases the lock (background) and resolves `null`.
   */
  async #readLocked(entryPath: string, lockPath: string, owner: bigint): Promise<Buffer | null> {
    try {
      const { data } = await retryTransient(
        () => this.#client.getData(entryPath),
        AbortSignal.timeout(this.#client.sessionTimeoutMs),
      );
      return data;
    } catch {
      void guaranteedDelete(this.#client, lockPath, { ephemeralOwner: owner });
      return null;
    }
  }

  /** After an ambiguous lock transaction: ours only if the lock lives in our current session. */
  async #readBackLock(name: string, entryPath: string, lockPath: string): Promise<LockedItem | null> {
    let lock: { owner: Buffer; session: bigint };
    try {
      // sync first: our transaction's zxid never reached us, the server may not have seen it yet.
      await retryTransient(
        () => this.#client.sync(lockPath),
        AbortSignal.timeout(this.#client.sessionTimeoutMs),
      );
      const { data: owner, stat } = await retryTransient(
        () => this.#client.getData(lockPath),
        AbortSignal.timeout(this.#client.sessionTimeoutMs),
      );
      lock = { owner, session: stat.ephemeralOwner };
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      // Could not read it back: a lock of ours may exist that nobody will complete; it goes
      // away with our session at the latest. Try to remove it in the background.
      void this.#releaseIfOurs(lockPath);
      return null;
    }
    if (lock.owner.toString() !== this.#consumerId) return null;
    if (lock.session !== this.#client.sessionId) {
      void guaranteedDelete(this.#client, lockPath, { ephemeralOwner: lock.session });
      return null;
    }
    const data = await this.#readLocked(entryPath, lockPath, lock.session);
    return data ? new LockedItem(this.#client, name, data, { entryPath, lockPath }, lock.session) : null;
  }

  async #releaseIfOurs(lockPath: string): Promise<void> {
    try {
      // sync first: our transaction's zxid never reached us, the server may not have seen it yet.
      await retryTransient(
        () => this.#client.sync(lockPath),
        AbortSignal.timeout(this.#client.sessionTimeoutMs),
      );
      const { data: owner, stat } = await retryTransient(() => this.#client.getData(lockPath));
      if (owner.toString() === this.#consumerId) {
        await guaranteedDelete(this.#client, lockPath, { ephemeralOwner: stat.ephemeralOwner });
      }
    } catch {
      // gone, or the client closed: nothing of ours is left
    }
  }
}

/** Merges two lists sorted by `sortKey` into one. */
function mergeSorted(a: readonly QueueEntry[], b: readonly QueueEntry[]): QueueEntry[] {
  const out: QueueEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as QueueEntry;
    const y = b[j] as QueueEntry;
    if (y.sortKey < x.sortKey) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
    }
  }
  while (i < a.length) out.push(a[i++] as QueueEntry);
  while (j < b.length) out.push(b[j++] as QueueEntry);
  return out;
}
