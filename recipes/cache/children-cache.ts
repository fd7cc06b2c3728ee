import { distinctUntilChanged, filter, map, type Observable, shareReplay } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import { TreeCache, type TreeCacheOptions, type TreeEvent } from './tree-cache.js';
import type { WaitOptions } from '../internal/abortable.js';
import type { NodeValue } from './watch-data.js';

/**
 * Options of {@link ChildrenCache}: those of `TreeCache` without `maxDepth` (always 1).
 *
 * @example
 * ```ts
 * new ChildrenCache(client, '/workers', { decode: json });
 * ```
 */
export type ChildrenCacheOptions<T> = Omit<TreeCacheOptions<T>, 'maxDepth'>;

/**
 * The direct children of a node with their data (Curator's `PathChildrenCache`), as RxJS
 * streams: `children$` maps child NAME → `{ data, stat }` (the parent itself is not included),
 * `events$` reports `added`/`updated`/`removed` per child (with its full path) and the
 * `initialized`/`resynced` markers. A `TreeCache` with `maxDepth: 1`, so it shares its
 * guarantees (one watch, pipelined first read, exact resync after reconnects).
 *
 * **Connection loss.** As `TreeCache`: on `suspended` the content is kept and nothing is
 * emitted; on `reconnected` (same or new session) the children are read again and only real
 * differences are emitted, then `resynced`. Ephemeral children of a lost session disappear as
 * `removed` events once the server has deleted them.
 *
 * @example
 * ```ts
 * await using workers = new ChildrenCache(client, '/workers', { decode: utf8 });
 * workers.children$.subscribe((m) => console.log('live workers:', [...m.keys()]));
 * ```
 */
export class ChildrenCache<T = Buffer> implements AsyncDisposable {
  /** Child name → node. Replays the latest map; emits only when a child changed. */
  readonly children$: Observable<ReadonlyMap<string, NodeValue<T>>>;
  /** Child events (the parent's own events are filtered out) and the markers. */
  readonly events$: Observable<TreeEvent<T>>;
  private readonly tree: TreeCache<T>;
  private readonly prefix: string;

  constructor(client: ZooKeeperClient, path: string, options: ChildrenCacheOptions<T> = {}) {
    this.tree = new TreeCache(client, path, { ...options, maxDepth: 1 });
    this.prefix = path === '/' ? '/' : `${path}/`;
    this.children$ = this.tree.tree$.pipe(
      map((tree) => this.toChildren(tree)),
      distinctUntilChanged(sameEntries),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.events$ = this.tree.events$.pipe(filter((e) => !('path' in e) || e.path !== path));
  }

  /** The parent path. */
  get path(): string {
    return this.tree.path;
  }

  /** A fresh copy of the cached children (name → node). */
  get current(): ReadonlyMap<string, NodeValue<T>> {
    return this.toChildren(this.tree.current);
  }

  /** One child by name, if cached. */
  get(name: string): NodeValue<T> | undefined {
    return this.tree.get(this.prefix + name);
  }

  /** Starts (idempotent) and resolves once the first read is complete; see `TreeCache.start`. */
  start(opts: WaitOptions = {}): Promise<void> {
    return this.tree.start(opts);
  }

  /** Releases what `start()` holds. Idempotent. */
  close(): Promise<void> {
    return this.tree.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private toChildren(tree: ReadonlyMap<string, NodeValue<T>>): ReadonlyMap<string, NodeValue<T>> {
    const out = new Map<string, NodeValue<T>>();
    for (const [p, node] of tree)
      if (p !== this.tree.path && p.startsWith(this.prefix)) out.set(p.slice(this.prefix.length), node);
    return out;
  }
}

function sameEntries<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
