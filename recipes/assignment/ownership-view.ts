import {
  ClientClosedError,
  NoNodeError,
  type WatchEvent,
  type WatchListener,
  type ZooKeeperClient,
} from '../../src/index.js';
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
        changed = true;
      }
    }
    for (const item of added) this.items.add(item);
    if (changed) this.#onChange();
    const toRead = all ? children : added;
    for (let i = 0; i < toRead.length; i += READ_BATCH) {
      await Promise.all(toRead.slice(i, i + READ_BATCH).map((item) => this.#readOwner(item)));
    }
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
          if (e.type === 'deleted' && !this.#closed) this.#onOwnerDeleted(item);
          void this.#readOwner(item);
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
