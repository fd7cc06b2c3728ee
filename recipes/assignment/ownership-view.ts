import {
  ClientClosedError,
  NoNodeError,
  type ReadResult,
  type WatchEvent,
  type WatchListener,
  type ZooKeeperClient,
} from '../../src/index.js';
import type { ItemSnapshot } from './item-ops.js';
import { decodeOwner, type OwnerRecord } from './owner-record.js';
import type { WorkPaths } from './work-paths.js';

/** Owner reads in flight at once during a full read. */
const READ_BATCH = 256;

/**
 * A watched view of a work group's items and of each item's owner node, kept current with
 * one-shot watches: one children watch on `<root>/items` and one data/exists watch per owner
 * node (progress writes trigger nothing). Each change calls `onChange`. Transient read errors
 * and `session-lost` events set `stale`; the owner calls `resync()` once connected again.
 *
 * It also keeps each item node's data and version as last read (no watch), so that a claim can
 * go out without reading the item first (see {@link OwnershipView.knownItem}).
 *
 * @example
 * ```ts
 * const view = new OwnershipView(client, paths, () => kick());
 * await view.resync();
 * view.owners.get('item-1')?.worker;
 * ```
 */
export class OwnershipView {
  /** Every item, as last listed. */
  readonly items = new Set<string>();
  /** item → its owner, for items that have one. */
  readonly owners = new Map<string, OwnerRecord>();
  /** True when a read failed or watches were lost: call `resync()` when connected. */
  stale = false;
  readonly #client: ZooKeeperClient;
  readonly #paths: WorkPaths;
  readonly #onChange: () => void;
  readonly #onOwnerDeleted: (item: string) => void;
  readonly #ownerListeners = new Map<string, WatchListener>();
  readonly #ownerReads = new Map<string, number>();
  readonly #snapshots = new Map<string, ItemSnapshot>();
  /** item → the newest owner node czxid seen: the zxid of the item's latest claim known. */
  readonly #claimZxids = new Map<string, bigint>();
  #itemsRead = 0;
  #closed = false;
  readonly #itemsListener: WatchListener = (e) => this.#onItemsEvent(e);

  /**
   * @param client the client
   * @param paths the group's layout
   * @param onChange called after every change of `items` or `owners`
   * @param onOwnerDeleted called for every `deleted` event of an owner node (ZooKeeper delivers
   *   it before any later reply, so after our create's reply it can only concern our node)
   */
  constructor(
    client: ZooKeeperClient,
    paths: WorkPaths,
    onChange: () => void,
    onOwnerDeleted: (item: string) => void = () => {},
  ) {
    this.#client = client;
    this.#paths = paths;
    this.#onChange = onChange;
    this.#onOwnerDeleted = onOwnerDeleted;
  }

  /**
   * Reads everything again (items, then every owner, pipelined). Errors set `stale`.
   *
   * @example
   * ```ts
   * await view.resync();
   * ```
   */
  async resync(): Promise<void> {
    this.stale = false;
    await this.#readItems(true);
  }

  /**
   * The item's data and version as last read, unless a claim newer than that read is known
   * (every claim re-writes the item): then `undefined`, and the claim reads it. A snapshot that
   * is stale anyway (a user edited the item) only costs the claim a failed version check.
   *
   * @example
   * ```ts
   * await claimItem(client, paths, 'a', workerId, nonce, view.knownItem('a'));
   * ```
   */
  knownItem(item: string): ItemSnapshot | undefined {
    const snapshot = this.#snapshots.get(item);
    if (!snapshot) return undefined;
    return snapshot.mzxid >= (this.#claimZxids.get(item) ?? 0n) ? snapshot : undefined;
  }

  /**
   * Records the item as our own claim left it (`czxid`: the claim's owner node).
   *
   * @example
   * ```ts
   * if (r.kind === 'claimed') view.rememberItem('a', r.item, r.czxid);
   * ```
   */
  rememberItem(item: string, snapshot: ItemSnapshot, czxid: bigint): void {
    this.#noteClaim(item, czxid);
    this.#keepNewer(item, snapshot);
  }

  /** Keeps `snapshot` unless the item is gone or a newer snapshot of it is known. */
  #keepNewer(item: string, snapshot: ItemSnapshot): void {
    const known = this.#snapshots.get(item);
    if (this.items.has(item) && (!known || known.mzxid < snapshot.mzxid)) this.#snapshots.set(item, snapshot);
  }

  #noteClaim(item: string, czxid: bigint): void {
    if ((this.#claimZxids.get(item) ?? 0n) < czxid) this.#claimZxids.set(item, czxid);
  }

  /** Re-reads one item's owner (for example after a create found it taken). @example `view.refreshOwner('a')` */
  refreshOwner(item: string): Promise<void> {
    return this.#readOwner(item);
  }

  /** Stops reacting to watch events. @example `view.close()` */
  close(): void {
    this.#closed = true;
  }

  async #readItems(all: boolean): Promise<void> {
    if (this.#closed) return;
    const seq = ++this.#itemsRead;
    let children: string[];
    try {
      children = await this.#client.getChildren(this.#paths.items, { watch: this.#itemsListener });
    } catch (err) {
      if (err instanceof NoNodeError) children = [];
      else return this.#fail(err);
    }
    if (seq !== this.#itemsRead || this.#closed) return;
    const next = new Set(children);
    const added = children.filter((c) => !this.items.has(c));
    let changed = added.length > 0;
    for (const item of [...this.items]) {
      if (!next.has(item)) {
        this.items.delete(item);
        this.owners.delete(item);
        this.#snapshots.delete(item);
        this.#claimZxids.delete(item);
        changed = true;
      }
    }
    for (const item of added) this.items.add(item);
    if (changed) this.#onChange();
    const toRead = all ? children : added;
    for (let i = 0; i < toRead.length; i += READ_BATCH) {
      const batch = toRead.slice(i, i + READ_BATCH);
      await Promise.all([...batch.map((item) => this.#readOwner(item)), this.#readSnapshots(batch)]);
    }
  }

  /**
   * Reads the items' data and versions (no watch) in one multiRead: one request for the whole
   * batch, so that it does not hold up what this session asks after it. Failures only leave
   * an item unknown (a claim then reads it).
   */
  async #readSnapshots(items: readonly string[]): Promise<void> {
    let results: ReadResult[];
    try {
      results = await this.#client.multiRead(
        items.map((item) => ({ type: 'getData', path: this.#paths.item(item) })),
      );
    } catch {
      return;
    }
    items.forEach((item, i) => {
      const r = results[i];
      if (r?.type === 'getData') {
        this.#keepNewer(item, { data: r.data, version: r.stat.version, mzxid: r.stat.mzxid });
      }
    });
  }

  async #readOwner(item: string): Promise<void> {
    if (this.#closed || !this.items.has(item)) return;
    const seq = (this.#ownerReads.get(item) ?? 0) + 1;
    this.#ownerReads.set(item, seq);
    const path = this.#paths.owner(item);
    const watch = this.#listenerFor(item);
    let owner: OwnerRecord | undefined;
    try {
      for (;;) {
        try {
          const { data, stat } = await this.#client.getData(path, { watch });
          owner = decodeOwner(data, stat);
          break;
        } catch (err) {
          if (!(err instanceof NoNodeError)) throw err;
        }
        // Gone: arm an exists watch so its creation is seen; if it was created meanwhile, read again.
        if ((await this.#client.exists(path, { watch })) === null) break;
      }
    } catch (err) {
      return this.#fail(err);
    }
    if (owner) this.#noteClaim(item, owner.czxid);
    if (this.#ownerReads.get(item) !== seq || this.#closed || !this.items.has(item)) return;
    const before = this.owners.get(item);
    if (owner) this.owners.set(item, owner);
    else this.owners.delete(item);
    if (before?.czxid !== owner?.czxid) this.#onChange();
  }

  #listenerFor(item: string): WatchListener {
    let l = this.#ownerListeners.get(item);
    if (!l) {
      l = (e: WatchEvent) => {
        if (e.type === 'session-lost') this.#fail();
        else if (e.type !== 'closed' && e.type !== 'watch-removed') {
          // The read below starts first (it invalidates any read in flight), then a deletion is
          // applied at once: no need to wait for the read's NoNode to let a claim go out.
          void this.#readOwner(item);
          if (e.type === 'deleted' && !this.#closed) {
            this.#onOwnerDeleted(item);
            if (this.owners.delete(item)) this.#onChange();
          }
        }
      };
      this.#ownerListeners.set(item, l);
    }
    return l;
  }

  #onItemsEvent(e: WatchEvent): void {
    if (e.type === 'session-lost') this.#fail();
    else if (e.type !== 'closed' && e.type !== 'watch-removed') void this.#readItems(false);
  }

  #fail(err?: unknown): void {
    if (err instanceof ClientClosedError) this.#closed = true;
    if (this.#closed) return;
    this.stale = true;
    this.#onChange();
  }
}
