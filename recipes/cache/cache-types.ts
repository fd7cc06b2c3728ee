import type { Stat } from '../../src/index.js';

/**
 * A node as a cache holds it: its bytes and its `Stat` as of the last read.
 *
 * @example
 * ```ts
 * const node: CachedNode = cache.get('/services/api')!;
 * console.log(node.stat.version, node.data.toString());
 * ```
 */
export interface CachedNode {
  readonly data: Buffer;
  readonly stat: Stat;
}

/**
 * One change seen by a tree or children cache. `added`/`updated`/`removed` carry the node
 * (for `removed`, its last known value); `initialized` follows the first full read and
 * `resynced` every full re-read after a reconnect or a new session (only real differences are
 * reported between them, as `added`/`updated`/`removed`).
 *
 * @example
 * ```ts
 * cache.events$.subscribe((e) => {
 *   if (e.type === 'added') console.log('new node', e.path, e.stat.czxid);
 * });
 * ```
 */
export type TreeCacheEvent = TreeNodeEvent | { readonly type: 'initialized' } | { readonly type: 'resynced' };

/**
 * A node-level change of a tree or children cache (see {@link TreeCacheEvent}).
 *
 * @example
 * ```ts
 * const onChange = (e: TreeNodeEvent) => console.log(e.type, e.path, e.stat.version);
 * ```
 */
export interface TreeNodeEvent {
  readonly type: 'added' | 'updated' | 'removed';
  readonly path: string;
  readonly data: Buffer;
  readonly stat: Stat;
}

/**
 * How a cache learns about changes. `persistent`: one persistent (recursive) watch, ZooKeeper
 * 3.6+. `one-shot`: classic per-node data and child watches, any server version. `auto` (the
 * default for trees) uses `persistent` and falls back to `one-shot` when the server answers
 * Unimplemented.
 *
 * @example
 * ```ts
 * new TreeCache(client, '/app', { watchMode: 'one-shot' });
 * ```
 */
export type WatchMode = 'auto' | 'persistent' | 'one-shot';
