import { Subject, type Subscription } from 'rxjs';
import {
  ClientClosedError,
  NoNodeError,
  type PersistentWatch,
  type ReadOp,
  type Stat,
  UnimplementedError,
  type WatchEvent,
  type ZooKeeperClient,
} from '../../src/index.js';
import type { CachedNode, TreeCacheEvent, WatchMode } from './cache-types.js';
import { isTransientCacheError, joinPath } from './cache-paths.js';
import { TreeState } from './tree-state.js';

/** Options of the internal {@link TreeSync} engine. */
export interface TreeSyncOptions {
  /** 0 = the root node only, 1 = root and children, `Infinity` = the whole subtree. */
  maxDepth: number;
  watchMode: WatchMode;
  /** Bound on concurrent reads during a full (re)sync. */
  maxInFlight: number;
}

/**
 * The engine behind `NodeCache`, `watchData`, `ChildrenCache` and `TreeCache` (internal).
 *
 * @example
 * ```ts
 * const sync = new TreeSync(client, '/app', { maxDepth: Infinity, watchMode: 'auto', maxInFlight: 256 });
 * sync.events$.subscribe((e) => console.log(e.type));
 * sync.start();
 * // ...
 * await sync.stop();
 * ```
 *
 * Algorithm:
 * - Arm first, read second: a persistent (recursive when `maxDepth > 0`) watch on the root is
 *   added before the full read, so no change after the read started can be missed. In
 *   `one-shot` mode every read carries the watch (data watch on each node, child watch on each
 *   node above `maxDepth`, an `exists` watch on a missing root).
 * - Every read gets an issue number (`seq`); an answer is applied only if no later read of the
 *   same path (or a later "gone" answer for the path or an ancestor: tombstones) was applied.
 *   So answers that resolve out of order can never roll the cache back.
 * - Changes are reported by comparing with the cached stat: a new path is `added`; a new
 *   `czxid` is `removed` + `added` (deleted and re-created, CURATOR-391); a new `mzxid` is
 *   `updated`; anything else (a duplicate read) is silent.
 * - After every `reconnected` state (same session: the server does not replay persistent-watch
 *   events missed while disconnected; new session: all watches are gone and are re-armed) the
 *   whole tree is read again and every cached path the re-read did not touch is `removed`:
 *   only real differences are reported, then `resynced`.
 * - Transient failures (connection loss, timeouts) schedule another full sync once the client
 *   is connected again, with a short backoff; other errors fail `events$`.
 */
export class TreeSync {
  /** Every change, in order; completes on `stop()` or when the client closes. */
  readonly events$ = new Subject<TreeCacheEvent>();
  private readonly state: TreeState;
  private readonly waiters: (() => void)[] = [];
  private readonly stopCtl = new AbortController();
  private readonly rootPrefix: string;
  private mode: 'persistent' | 'one-shot';
  private seq = 0;
  private inFlight = 0;
  private walkEpoch = 0;
  private watch: PersistentWatch | null = null;
  private armedSession: bigint | null = null;
  private syncWanted = false;
  private syncing = false;
  private stateSub: Subscription | null = null;
  private initializedFlag = false;
  private finished = false;
  private multiRead = true;
  private batchFailures = 0;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly root: string,
    private readonly options: TreeSyncOptions,
  ) {
    this.mode = options.watchMode === 'one-shot' ? 'one-shot' : 'persistent';
    this.rootPrefix = root === '/' ? '/' : `${root}/`;
    this.state = new TreeState(root, (e) => {
      if (!this.stopped) this.events$.next(e);
    });
  }

  /** True once the first full read completed. */
  get initialized(): boolean {
    return this.initializedFlag;
  }

  /** The watch mechanism in use (after a possible fallback). */
  get watchMode(): 'persistent' | 'one-shot' {
    return this.mode;
  }

  /** The cached node at `path`, if any. */
  get(path: string): CachedNode | undefined {
    return this.state.get(path);
  }

  /** A copy of the cache (path → node), safe to keep. */
  snapshot(): Map<string, CachedNode> {
    return this.state.snapshot();
  }

  /** Starts watching and the first full read. */
  start(): void {
    let first = true;
    this.stateSub = this.client.state$.subscribe((state) => {
      const replayed = first;
      first = false;
      if (state === 'closed') this.finish();
      else if (state === 'reconnected' && !replayed) this.requestSync();
    });
    if (!this.finished) this.requestSync();
  }

  /** Stops, removes the server-side watches (best effort) and completes `events$`. */
  async stop(): Promise<void> {
    if (this.stopCtl.signal.aborted) return;
    this.stopCtl.abort();
    this.stateSub?.unsubscribe();
    const paths = this.mode === 'one-shot' ? [this.root, ...this.state.paths()] : [];
    const watch = this.watch;
    this.watch = null;
    this.finish();
    if (this.client.state === 'closed') return;
    if (watch) await watch.remove().catch(() => undefined);
    await forEachBounded(paths, this.options.maxInFlight, (path) => this.unwatch(path));
  }

  private async unwatch(path: string): Promise<void> {
    try {
      await this.client.removeWatches(path, 'any', { listener: this.listener });
    } catch {
      await this.client
        .removeWatches(path, 'any', { listener: this.listener, local: true })
        .catch(() => undefined);
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.stopCtl.signal.aborted) this.stopCtl.abort();
    this.stateSub?.unsubscribe();
    this.events$.complete();
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.stopCtl.abort();
    this.stateSub?.unsubscribe();
    if (this.watch) void this.watch.remove().catch(() => undefined);
    this.events$.error(err);
  }

  private get stopped(): boolean {
    return this.finished || this.stopCtl.signal.aborted;
  }

  // ---- full (re)sync ------------------------------------------------------------------------

  private requestSync(): void {
    this.syncWanted = true;
    if (!this.syncing && !this.stopped) void this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    this.syncing = true;
    let attempt = 0;
    try {
      while (this.syncWanted && !this.stopped) {
        this.syncWanted = false;
        try {
          await this.arm();
          const startSeq = this.seq + 1;
          const epoch = ++this.walkEpoch;
          await this.walkFrom(this.root, epoch);
          if (this.stopped) return;
          if (this.syncWanted) continue;
          this.state.sweep(startSeq);
          this.events$.next({ type: this.initializedFlag ? 'resynced' : 'initialized' });
          this.initializedFlag = true;
          attempt = 0;
        } catch (err) {
          if (this.stopped) return;
          if (!isTransientCacheError(err)) return this.onError(err);
          this.syncWanted = true;
          await this.pause(attempt++);
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  private async pause(attempt: number): Promise<void> {
    const signal = this.stopCtl.signal;
    try {
      await this.client.waitForConnection({ signal });
    } catch (err) {
      if (err instanceof ClientClosedError) this.finish();
      if (this.stopped) return;
    }
    const ms = Math.min(2_000, 50 * 2 ** attempt);
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async arm(): Promise<void> {
    if (this.mode === 'one-shot') return;
    if (this.watch && this.armedSession === this.client.sessionId) return;
    try {
      const watch = await this.client.addWatch(this.root, this.listener, {
        recursive: this.options.maxDepth > 0,
        signal: this.stopCtl.signal,
      });
      this.watch = watch;
      this.armedSession = this.client.sessionId;
    } catch (err) {
      if (err instanceof UnimplementedError && this.options.watchMode === 'auto') {
        this.mode = 'one-shot';
        return;
      }
      throw err;
    }
  }

  private async walkFrom(path: string, epoch: number): Promise<void> {
    if (this.stopped || epoch !== this.walkEpoch) return;
    const children = await this.readNode(path, true);
    if (!children || children.length === 0 || epoch !== this.walkEpoch) return;
    await this.walkChildren(path, children, epoch);
  }

  /**
   * Reads the given children of `parent` and everything below them. In persistent mode the
   * reads are batched into `multiRead`s (getData, plus getChildren above `maxDepth`, for up to
   * {@link batchSize} siblings per request): one request instead of up to 128.
   */
  private async walkChildren(parent: string, names: string[], epoch: number): Promise<void> {
    if (this.mode !== 'persistent' || !this.multiRead) {
      await Promise.all(names.map((name) => this.walkFrom(joinPath(parent, name), epoch)));
      return;
    }
    const listKids = this.depthOf(parent) + 1 < this.options.maxDepth;
    const size = this.batchSize();
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += size)
      batches.push(names.slice(i, i + size).map((n) => joinPath(parent, n)));
    await Promise.all(
      batches.map(async (paths) => {
        if (this.stopped || epoch !== this.walkEpoch) return;
        const kids = await this.readBatch(paths, listKids);
        if (kids === null) {
          await Promise.all(paths.map((p) => this.walkFrom(p, epoch)));
          return;
        }
        await Promise.all(
          paths.map((p, i) => {
            const k = kids[i];
            return k && k.length > 0 ? this.walkChildren(p, k, epoch) : undefined;
          }),
        );
      }),
    );
  }

  /** Siblings per multiRead: 64, fewer when nodes carry much data (keeps replies ~256 KiB). */
  private batchSize(): number {
    const avg = this.state.averageDataBytes();
    return Math.max(1, Math.min(64, Math.floor((256 * 1024) / (avg + 256))));
  }

  /**
   * One multiRead for `paths`: applies every answer; returns each path's child names (null
   * entry: gone), or null when the server does not support multiRead (then it is not used again).
   */
  private async readBatch(paths: string[], listKids: boolean): Promise<(string[] | null)[] | null> {
    const ops: ReadOp[] = [];
    for (const path of paths) {
      ops.push({ type: 'getData', path });
      if (listKids) ops.push({ type: 'getChildren', path });
    }
    try {
      return await this.limited(async (seq) => {
        const results = await this.client.multiRead(ops);
        this.batchFailures = 0;
        const out: (string[] | null)[] = [];
        const step = listKids ? 2 : 1;
        for (let i = 0; i < paths.length; i++) {
          const path = paths[i] as string;
          const data = results[i * step];
          const kids = listKids ? results[i * step + 1] : undefined;
          if (data?.type === 'getData') {
            this.apply(path, data.data, data.stat, seq);
            out.push(kids?.type === 'getChildren' ? kids.children : []);
          } else if (data?.type === 'error' && data.error instanceof NoNodeError) {
            this.gone(path, seq);
            out.push(null);
          } else {
            throw data?.type === 'error' ? data.error : new Error(`multiRead gave no answer for ${path}`);
          }
        }
        return out;
      });
    } catch (err) {
      if (err instanceof UnimplementedError) {
        this.multiRead = false; // ZooKeeper 3.5: read one by one from now on
        return null;
      }
      // A reply too large for the client ends the connection: after two batches lost that way
      // in a row, this cache stops batching (the resync that follows reads one by one).
      if (isTransientCacheError(err) && ++this.batchFailures >= 2) this.multiRead = false;
      throw err;
    }
  }

  // ---- reads ------------------------------------------------------------------------------------

  private watchOpt(): { watch?: (e: WatchEvent) => void } {
    return this.mode === 'one-shot' ? { watch: this.listener } : {};
  }

  /** Reads and applies a node; returns its child names (if asked and in depth), or null if gone. */
  private async readNode(path: string, listChildren: boolean): Promise<string[] | null> {
    const stat = await this.limited(async (seq) => {
      try {
        const r = await this.client.getData(path, this.watchOpt());
        this.apply(path, r.data, r.stat, seq);
        return r.stat;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        this.gone(path, seq);
        return null;
      }
    });
    if (!stat) {
      if (path === this.root && this.mode === 'one-shot') await this.watchRootCreation();
      return null;
    }
    if (!listChildren || this.depthOf(path) >= this.options.maxDepth) return [];
    if (this.mode === 'persistent' && stat.numChildren === 0) return [];
    return this.listChildren(path);
  }

  private listChildren(path: string): Promise<string[] | null> {
    return this.limited(async (seq) => {
      try {
        return await this.client.getChildren(path, this.watchOpt());
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        this.gone(path, seq);
        return null;
      }
    });
  }

  private async watchRootCreation(): Promise<void> {
    const stat = await this.limited(() => this.client.exists(this.root, { watch: this.listener }));
    if (stat) await this.walkFrom(this.root, this.walkEpoch);
  }

  private async limited<T>(fn: (seq: number) => Promise<T>): Promise<T> {
    if (this.inFlight < this.options.maxInFlight) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    try {
      return await fn(++this.seq);
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else if (--this.inFlight === 0) this.state.clearTombstones();
    }
  }

  // ---- watch events -------------------------------------------------------------------------

  private readonly listener = (event: WatchEvent): void => {
    if (this.stopped) return;
    switch (event.type) {
      case 'session-lost':
        // ignore a late notice about the old session once the watch is re-armed in the new one
        if (this.armedSession !== this.client.sessionId) {
          this.watch = null;
          this.armedSession = null;
        }
        return;
      case 'closed':
        this.finish();
        return;
      case 'watch-removed':
        return;
      default:
        if (!this.inScope(event.path)) return;
        this.handleEvent(event).catch((err: unknown) => this.onError(err));
    }
  };

  private async handleEvent(event: WatchEvent): Promise<void> {
    const { path } = event;
    if (event.type === 'children-changed') {
      if (this.mode !== 'one-shot' || this.depthOf(path) >= this.options.maxDepth) return;
      const names = await this.listChildren(path);
      if (!names) return;
      const known = this.state.childrenOf(path);
      const fresh = names.map((n) => joinPath(path, n)).filter((p) => !known?.has(p));
      const epoch = this.walkEpoch;
      await Promise.all(fresh.map((p) => this.walkFrom(p, epoch)));
      return;
    }
    if (event.type === 'created' && this.mode === 'one-shot') {
      await this.walkFrom(path, this.walkEpoch);
      return;
    }
    await this.readNode(path, false);
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    if (err instanceof ClientClosedError) this.finish();
    else if (isTransientCacheError(err)) this.requestSync();
    else this.fail(err);
  }

  private apply(path: string, data: Buffer, stat: Stat, seq: number): void {
    if (!this.stopped) this.state.applyData(path, data, stat, seq);
  }

  private gone(path: string, seq: number): void {
    if (!this.stopped) this.state.applyGone(path, seq);
  }

  private inScope(path: string): boolean {
    if (path !== this.root && !path.startsWith(this.rootPrefix)) return false;
    return this.depthOf(path) <= this.options.maxDepth;
  }

  private depthOf(path: string): number {
    if (path === this.root) return 0;
    let depth = 1;
    for (let i = this.rootPrefix.length; i < path.length; i++) if (path.charCodeAt(i) === 47) depth++;
    return depth;
  }
}

async function forEachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
