// The consumer side shared by Queue, PriorityQueue and DelayQueue: list the items once (with a
// children watch), prefetch their data in one multiRead, then take each with a versioned
// delete. A consumer waits on the children watch (and, for delay queues, a timer to the
// earliest due item); it never polls.
import { BadVersionError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import {
  abortable,
  combineSignal,
  sleep,
  throwIfAborted,
  type WaitOptions,
} from '../internal/wait-signal.js';
import { ChildrenWatch } from '../internal/children-watch.js';
import { retryTransient } from '../internal/retry-transient.js';
import { isOutcomeUnknown } from './ambiguous-error.js';
import { TakeOutcomeUnknownError } from './errors.js';
import { ensureQueuePath } from './put-items.js';
import { type QueueEntry, type QueueNaming, toSortedEntries } from './queue-naming.js';

/** An item removed from a queue. */
export interface QueueItem {
  /** Node name, e.g. `qn-0000000042`. */
  readonly name: string;
  /** The item's data. */
  readonly data: Buffer;
}

interface CachedData {
  readonly data: Buffer;
  readonly version: number;
}

/** Items fetched per multiRead when the consumer's data cache runs dry. */
const DEFAULT_PREFETCH = 32;
/** Byte budget of one prefetch reply. */
const PREFETCH_BYTES = 256 * 1024;

/**
 * At-most-once consumer state for one queue node. Not exported from the family index: the
 * public classes wrap it.
 */
export class QueueCore {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #naming: QueueNaming;
  readonly #prefetch: number;
  #itemBytes: number | undefined;
  readonly #closed = new AbortController();
  #entries: QueueEntry[] = [];
  readonly #data = new Map<string, CachedData>();
  readonly #watch: ChildrenWatch;

  constructor(client: ZooKeeperClient, path: string, naming: QueueNaming, prefetch = DEFAULT_PREFETCH) {
    this.#client = client;
    this.#path = path;
    this.#naming = naming;
    this.#prefetch = Math.max(1, prefetch);
    this.#watch = new ChildrenWatch(client, path);
  }

  /** Takes the first due item, waiting for one if there is none. */
  async take(opts: WaitOptions = {}): Promise<QueueItem> {
    const signal = this.#signal(opts);
    for (;;) {
      throwIfAborted(signal);
      const pass = await this.#pass(signal);
      if ('item' in pass) return pass.item;
      await this.#waitForChange(pass.nextDueAtMs, signal);
    }
  }

  /** Takes the first due item, or resolves `null` at once when there is none. */
  async poll(opts: WaitOptions = {}): Promise<QueueItem | null> {
    const pass = await this.#pass(this.#signal(opts));
    return 'item' in pass ? pass.item : null;
  }

  /** Reads the first due item without removing it; `null` when there is none. */
  async peek(opts: WaitOptions = {}): Promise<QueueItem | null> {
    const signal = this.#signal(opts);
    const now = Date.now();
    for (const entry of await this.#list(signal, false)) {
      if (entry.dueAtMs > now) return null;
      try {
        const { data } = await this.#client.getData(this.#childPath(entry.name), { signal });
        return { name: entry.name, data };
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
      }
    }
    return null;
  }

  /** Lists the items (due or not) in take order. */
  async entries(opts: WaitOptions = {}): Promise<QueueEntry[]> {
    return this.#list(this.#signal(opts), false);
  }

  /** Stops the consumer: pending and later takes reject with an `AbortError`. Idempotent. */
  close(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort(new DOMException('queue closed', 'AbortError'));
    this.#watch.dispose();
    this.#entries = [];
    this.#data.clear();
  }

  #signal(opts: WaitOptions): AbortSignal {
    const user = combineSignal(opts);
    return user ? AbortSignal.any([user, this.#closed.signal]) : this.#closed.signal;
  }

  #childPath(name: string): string {
    return `${this.#path}/${name}`;
  }

  /** One pass over the known items: the first one we manage to delete, or when to look again. */
  async #pass(signal: AbortSignal): Promise<{ item: QueueItem } | { nextDueAtMs: number | undefined }> {
    let listedThisPass = false;
    if (this.#needsList()) {
      await this.#refresh(signal);
      listedThisPass = true;
    }
    for (;;) {
      const now = Date.now();
      const entry = this.#entries[0];
      if (!entry) {
        if (listedThisPass) return { nextDueAtMs: undefined };
        await this.#refresh(signal);
        listedThisPass = true;
        continue;
      }
      if (entry.dueAtMs > now) return { nextDueAtMs: entry.dueAtMs };
      this.#entries.shift();
      const item = await this.#tryTake(entry, signal);
      if (item === 'collision') this.#spreadOut();
      else if (item) return { item };
    }
  }

  /** Whether the cached list can no longer be trusted to hold the head of the queue. */
  #needsList(): boolean {
    if (this.#entries.length === 0) return true;
    return !this.#naming.appendOnly && this.#watch.hasChanged;
  }

  async #refresh(signal: AbortSignal): Promise<void> {
    this.#entries = await this.#list(signal, true);
    const listed = new Set(this.#entries.map((e) => e.name));
    for (const name of this.#data.keys()) if (!listed.has(name)) this.#data.delete(name);
  }

  /** Lists and sorts the items; with `watch`, keeps one children watch armed on the queue. */
  async #list(signal: AbortSignal, watch: boolean): Promise<QueueEntry[]> {
    for (;;) {
      try {
        const children = await retryTransient(
          () => (watch ? this.#watch.list({ signal }) : this.#client.getChildren(this.#path, { signal })),
          signal,
        );
        return toSortedEntries(this.#naming, children);
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        // The queue node is missing (never created, or a container the server removed while
        // empty): create it so a children watch can be set, then list again.
        await ensureQueuePath(this.#client, this.#path);
      }
    }
  }

  /**
   * Another consumer deleted the item we went for: we are both working from the head. Move a
   * few of the next items (at random) behind the rest of our list, so that two consumers stop
   * colliding on every item. Nothing is skipped for good: the moved items are tried later, and
   * the order of one consumer alone (which never collides) stays FIFO.
   */
  #spreadOut(): void {
    if (!this.#naming.appendOnly) return; // sorted by priority or due time: keep the order
    const span = Math.min(this.#entries.length, 8);
    const moved = this.#entries.splice(0, Math.floor(Math.random() * span));
    this.#entries.push(...moved);
  }

  /** Deletes `entry` if it is still there: the item, `null` if it is gone, `'collision'` if we lost a race. */
  async #tryTake(entry: QueueEntry, signal: AbortSignal): Promise<QueueItem | null | 'collision'> {
    for (;;) {
      const cached = this.#data.get(entry.name) ?? (await this.#fetch(entry, signal));
      if (!cached) return null;
      // No signal on the delete: abandoning it in flight could lose the item silently.
      try {
        await this.#client.delete(this.#childPath(entry.name), { version: cached.version });
        this.#data.delete(entry.name);
        return { name: entry.name, data: cached.data };
      } catch (err) {
        this.#data.delete(entry.name);
        if (err instanceof NoNodeError) return 'collision';
        if (err instanceof BadVersionError) continue;
        if (!isOutcomeUnknown(err)) throw err;
        if (!(await this.#stillThere(entry, cached.data, err))) {
          throw new TakeOutcomeUnknownError(entry.name, cached.data, { cause: err });
        }
      }
    }
  }

  /** After an ambiguous delete: whether the item is still in the queue (so the delete failed). */
  async #stillThere(entry: QueueEntry, data: Buffer, cause: unknown): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        // sync first: our delete may have been applied without the server we now talk to
        // having seen it yet (its zxid never reached us).
        await this.#client.sync(this.#childPath(entry.name));
        return (await this.#client.exists(this.#childPath(entry.name))) !== null;
      } catch (err) {
        if (!isOutcomeUnknown(err) || attempt >= 5 || this.#closed.signal.aborted) {
          throw new TakeOutcomeUnknownError(entry.name, data, { cause });
        }
        await sleep(100 * (attempt + 1));
      }
    }
  }

  /** Fetches the data of `entry` and the next few items in one multiRead. */
  /** Tracks the largest item size seen (with a floor), to size prefetch batches. */
  #noteSize(bytes: number): void {
    this.#itemBytes = Math.max(this.#itemBytes ?? 0, bytes, 64);
  }

  async #fetch(entry: QueueEntry, signal: AbortSignal): Promise<CachedData | undefined> {
    // Keep one multiRead reply well under a frame's size: as many items as ~256 KiB of the
    // sizes seen so far (the first read is a single getData, which also measures).
    const budget = Math.max(1, Math.floor(PREFETCH_BYTES / Math.max(1, this.#itemBytes ?? PREFETCH_BYTES)));
    const count = Math.min(this.#prefetch, budget);
    const names = [entry.name, ...this.#entries.slice(0, count - 1).map((e) => e.name)].filter(
      (name) => !this.#data.has(name) || name === entry.name,
    );
    if (names.length === 1) {
      try {
        const { data, stat } = await retryTransient(
          () => this.#client.getData(this.#childPath(entry.name), { signal }),
          signal,
        );
        this.#noteSize(data.length);
        return { data, version: stat.version };
      } catch (err) {
        if (err instanceof NoNodeError) return undefined;
        throw err;
      }
    }
    const ops = names.map((name) => ({ type: 'getData' as const, path: this.#childPath(name) }));
    const results = await retryTransient(() => this.#client.multiRead(ops, { signal }), signal);
    const gone = new Set<string>();
    results.forEach((result, i) => {
      const name = names[i] as string;
      if (result.type === 'getData') {
        this.#data.set(name, { data: result.data, version: result.stat.version });
        this.#noteSize(result.data.length);
      } else if (result.type === 'error' && result.error instanceof NoNodeError) gone.add(name);
      else if (result.type === 'error') throw result.error;
    });
    if (gone.size > 0) this.#entries = this.#entries.filter((e) => !gone.has(e.name));
    return this.#data.get(entry.name);
  }

  async #waitForChange(nextDueAtMs: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.#watch.hasChanged) return;
    const timer = new AbortController();
    const waits: Promise<unknown>[] = [this.#watch.changed];
    if (nextDueAtMs !== undefined) waits.push(sleep(nextDueAtMs - Date.now(), timer.signal).catch(() => {}));
    try {
      await abortable(Promise.race(waits), signal);
    } finally {
      timer.abort();
    }
    // After a change the list must be read again, even for append-only queues.
    if (this.#watch.hasChanged) this.#entries = [];
  }
}
