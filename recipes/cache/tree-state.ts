import type { Stat } from '../../src/index.js';
import { parentPath } from './cache-paths.js';
import type { CachedNode, TreeCacheEvent } from './cache-types.js';

interface Entry extends CachedNode {
  /** Issue number of the read whose answer this is (later reads win). */
  readonly seq: number;
}

/**
 * The content of a tree cache and the rules for applying read answers to it (internal, used by
 * `TreeSync`):
 * - every answer carries the issue number (`seq`) of its read; an answer older than what is
 *   cached for the path, or older than a "gone" answer (tombstone) for the path or an ancestor,
 *   is dropped, so answers resolving out of order never roll the cache back;
 * - a new path is `added`; a new `czxid` is `removed` (with the old subtree) + `added`; a new
 *   `mzxid` is `updated`; an identical answer is silent (its stat is still kept);
 * - `sweep(startSeq)` removes every path no read since `startSeq` touched (after a full re-read).
 *
 * @example
 * ```ts
 * const state = new TreeState('/app', (e) => events$.next(e));
 * state.applyData('/app', data, stat, 1);
 * ```
 */
export class TreeState {
  private readonly nodes = new Map<string, Entry>();
  private readonly kids = new Map<string, Set<string>>();
  private readonly tombstones = new Map<string, number>();
  private bytesSeen = 0;
  private nodesSeen = 0;

  constructor(
    private readonly root: string,
    private readonly emit: (event: TreeCacheEvent) => void,
  ) {}

  /** The cached node at `path`, if any. */
  get(path: string): CachedNode | undefined {
    const e = this.nodes.get(path);
    return e ? { data: e.data, stat: e.stat } : undefined;
  }

  /** Every cached path. */
  paths(): IterableIterator<string> {
    return this.nodes.keys();
  }

  /** Cached child paths of `path`. */
  childrenOf(path: string): ReadonlySet<string> | undefined {
    return this.kids.get(path);
  }

  /** A copy of the cache (path → node). */
  snapshot(): Map<string, CachedNode> {
    const out = new Map<string, CachedNode>();
    for (const [path, e] of this.nodes) out.set(path, { data: e.data, stat: e.stat });
    return out;
  }

  /** Mean data size of the nodes read so far (to size read batches). */
  averageDataBytes(): number {
    return this.bytesSeen / Math.max(1, this.nodesSeen);
  }

  /** Forgets tombstones; call when no read is in flight (none can be older than them then). */
  clearTombstones(): void {
    this.tombstones.clear();
  }

  /** Applies a read answer: the node at `path` exists with `data` and `stat`. */
  applyData(path: string, data: Buffer, stat: Stat, seq: number): void {
    const prev = this.nodes.get(path);
    if ((prev && prev.seq > seq) || this.blocked(path, seq)) return;
    if (prev && prev.stat.czxid !== stat.czxid) {
      this.removeSubtree(path);
      this.applyData(path, data, stat, seq);
      return;
    }
    this.nodes.set(path, { data, stat, seq });
    this.bytesSeen += data.length;
    this.nodesSeen++;
    if (!prev) {
      if (path !== this.root) {
        const parent = parentPath(path);
        const set = this.kids.get(parent);
        if (set) set.add(path);
        else this.kids.set(parent, new Set([path]));
      }
      this.emit({ type: 'added', path, data, stat });
    } else if (prev.stat.mzxid !== stat.mzxid) {
      this.emit({ type: 'updated', path, data, stat });
    }
  }

  /** Applies a read answer: `path` does not exist (NoNode). */
  applyGone(path: string, seq: number): void {
    const prev = this.nodes.get(path);
    if (prev && prev.seq > seq) return;
    const t = this.tombstones.get(path);
    if (t === undefined || t < seq) this.tombstones.set(path, seq);
    if (prev) this.removeSubtree(path);
  }

  /** Removes every cached path whose last read was issued before `startSeq`. */
  sweep(startSeq: number): void {
    const stale: string[] = [];
    for (const [path, e] of this.nodes) if (e.seq < startSeq) stale.push(path);
    for (const path of stale) this.removeSubtree(path);
  }

  /** True when a later "gone" answer for the path or an ancestor has been applied. */
  private blocked(path: string, seq: number): boolean {
    if (this.tombstones.size === 0) return false;
    let p = path;
    for (;;) {
      const t = this.tombstones.get(p);
      if (t !== undefined && t > seq) return true;
      if (p === this.root || p === '/') return false;
      p = parentPath(p);
    }
  }

  private removeSubtree(path: string): void {
    const children = this.kids.get(path);
    if (children) for (const child of [...children]) this.removeSubtree(child);
    this.kids.delete(path);
    const e = this.nodes.get(path);
    if (!e) return;
    this.nodes.delete(path);
    if (path !== this.root) this.kids.get(parentPath(path))?.delete(path);
    this.emit({ type: 'removed', path, data: e.data, stat: e.stat });
  }
}
