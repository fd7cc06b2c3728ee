import { Observable, type Subscriber, type Subscription } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import { assertPath } from './cache-paths.js';
import type { TreeCacheEvent, WatchMode } from './cache-types.js';
import { type Decoder, decodeOrThrow, raw } from './decoders.js';
import { TreeSync } from './tree-sync.js';
import type { WaitOptions } from '../internal/abortable.js';
import { firstMatch } from './first-match.js';
import type { NodeValue } from './watch-data.js';

/**
 * Options of {@link TreeCache} (and `ChildrenCache`).
 *
 * @example
 * ```ts
 * new TreeCache(client, '/services', { decode: json, maxDepth: 2, maxInFlight: 128 });
 * ```
 */
export interface TreeCacheOptions<T> {
  /** Bytes → value for every node; default raw `Buffer`. A throw fails the cache's streams. */
  decode?: Decoder<T>;
  /** 0 = the root only, 1 = root and children, ... Default: unlimited. */
  maxDepth?: number;
  /** Default `auto`: a persistent recursive watch, or one-shot watches on ZooKeeper 3.5. */
  watchMode?: WatchMode;
  /** Concurrent reads during a full (re)sync; default 256. */
  maxInFlight?: number;
}

/**
 * A decoded tree-cache event: like {@link TreeCacheEvent} with `data` decoded.
 *
 * @example
 * ```ts
 * cache.events$.subscribe((e) => e.type === 'updated' && console.log(e.path, e.data));
 * ```
 */
export type TreeEvent<T> =
  | {
      readonly type: 'added' | 'updated' | 'removed';
      readonly path: string;
      readonly data: T;
      readonly stat: NodeValue<T>['stat'];
    }
  | { readonly type: 'initialized' }
  | { readonly type: 'resynced' };

interface Hub<T> {
  sync: TreeSync;
  sub: Subscription;
  nodes: Map<string, NodeValue<T>>;
  initialized: boolean;
  treeSubs: Set<Subscriber<ReadonlyMap<string, NodeValue<T>>>>;
  eventSubs: Set<Subscriber<TreeEvent<T>>>;
  refs: number;
  flushTimer: NodeJS.Immediate | null;
  last: ReadonlyMap<string, NodeValue<T>> | null;
  /** Set once the engine completed or failed (`error` holds the failure). */
  ended: boolean;
  error?: unknown;
}

/**
 * A cache of a whole subtree (Curator's `CuratorCache`, kazoo's `TreeCache`) as RxJS streams:
 * `tree$` (path → `{ data, stat }`, current on subscribe) and `events$` (`added`/`updated`/
 * `removed`, `initialized`, `resynced`).
 *
 * One persistent recursive watch on the root (ZooKeeper 3.6+; one-shot watches per node on
 * 3.5), armed BEFORE the first read, so nothing is missed; the first read is pipelined
 * (`maxInFlight` concurrent reads). Subscribing (or `start()`) starts the cache; the last
 * unsubscribe / `close()` stops it and removes its watch.
 *
 * `events$` gives each new subscriber a consistent start: `added` for every node already cached,
 * `initialized` if the first read is complete, then live changes. `tree$` emits once the first
 * read is complete and then after each batch of changes (changes applied in the same event-loop
 * turn are coalesced into one emission; every map is a fresh immutable copy).
 *
 * **Connection loss.** On `suspended` the cache keeps its content and emits nothing. On
 * `reconnected` (same session: the server does not replay persistent-watch events missed while
 * disconnected; new session after `lost`: all watches are gone and are set again) it reads the
 * whole subtree again and emits only real differences (by `czxid`/`mzxid`: a node deleted and
 * re-created meanwhile is `removed` then `added`), then `resynced`. No missed and no phantom
 * events; intermediate values during the outage are coalesced (ZooKeeper keeps only the latest).
 *
 * **ZooKeeper before 3.9.** A server keeps one watch mode per session and path
 * (ZOOKEEPER-4466): a one-shot watch set on exactly this cache's root by the same client (e.g. a
 * `watchData` of the root) replaces the persistent recursive watch. Watch the root from another
 * client, or use `watchMode: 'one-shot'` here. When the client cannot remove a persistent
 * watch on such a server, `close()` still stops every event locally; the server-side
 * registration then ends with the session.
 *
 * @example
 * ```ts
 * await using cache = new TreeCache(client, '/services', { decode: json });
 * await cache.start({ timeoutMs: 10_000 });
 * console.log([...cache.current.keys()]);
 * cache.events$.subscribe((e) => {
 *   if (e.type === 'added') console.log('new', e.path, e.data);
 * });
 * ```
 */
export class TreeCache<T = Buffer> implements AsyncDisposable {
  /** The whole subtree, path → decoded node. Replays the latest map to each subscriber. */
  readonly tree$: Observable<ReadonlyMap<string, NodeValue<T>>>;
  /** Changes, with a consistent start for each subscriber (see the class doc). */
  readonly events$: Observable<TreeEvent<T>>;
  private readonly decode: Decoder<T>;
  private readonly options: { maxDepth: number; watchMode: WatchMode; maxInFlight: number };
  private hub: Hub<T> | null = null;
  private held: Hub<T> | null = null;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    options: TreeCacheOptions<T> = {},
  ) {
    assertPath(path);
    const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    const maxInFlight = options.maxInFlight ?? 256;
    if (!(maxDepth >= 0)) throw new RangeError(`maxDepth must be >= 0, got ${maxDepth}`);
    if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be >= 1, got ${maxInFlight}`);
    this.decode = (options.decode ?? raw) as Decoder<T>;
    this.options = { maxDepth, watchMode: options.watchMode ?? 'auto', maxInFlight };
    this.tree$ = new Observable((subscriber) => {
      const hub = this.acquire();
      if (hub.ended) return this.endLate(hub, subscriber);
      hub.treeSubs.add(subscriber);
      if (hub.initialized) subscriber.next(hub.last ?? this.freeze(hub));
      return () => {
        hub.treeSubs.delete(subscriber);
        void this.release(hub).catch(() => undefined);
      };
    });
    this.events$ = new Observable((subscriber) => {
      const hub = this.acquire();
      if (hub.ended) return this.endLate(hub, subscriber);
      for (const [p, n] of hub.nodes) subscriber.next({ type: 'added', path: p, data: n.data, stat: n.stat });
      if (hub.initialized) subscriber.next({ type: 'initialized' });
      hub.eventSubs.add(subscriber);
      return () => {
        hub.eventSubs.delete(subscriber);
        void this.release(hub).catch(() => undefined);
      };
    });
  }

  /** A fresh copy of the cached subtree (empty before the first read completes). */
  get current(): ReadonlyMap<string, NodeValue<T>> {
    return new Map(this.hub?.nodes ?? []);
  }

  /** True once the first full read has completed (and the cache is running). */
  get initialized(): boolean {
    return this.hub?.initialized ?? false;
  }

  /** The cached node at `path` (absolute, chroot-relative), if any. */
  get(path: string): NodeValue<T> | undefined {
    return this.hub?.nodes.get(path);
  }

  /**
   * Starts the cache (idempotent; holds it running until `close()`) and resolves once the first
   * full read is complete. Rejects with the cache's error or a `TimeoutError` after `timeoutMs`.
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (!this.held || this.held !== this.hub) this.held = this.acquire();
    await firstMatch(this.tree$, () => true, opts);
  }

  /** Releases what `start()` holds; the cache stops when no subscriber is left. Idempotent. */
  async close(): Promise<void> {
    const hub = this.held;
    this.held = null;
    if (hub) await this.release(hub);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private acquire(): Hub<T> {
    if (this.hub) {
      this.hub.refs++;
      return this.hub;
    }
    const sync = new TreeSync(this.client, this.path, this.options);
    const hub: Hub<T> = {
      sync,
      sub: null as unknown as Subscription,
      nodes: new Map(),
      initialized: false,
      treeSubs: new Set(),
      eventSubs: new Set(),
      refs: 1,
      flushTimer: null,
      last: null,
      ended: false,
    };
    this.hub = hub;
    hub.sub = sync.events$.subscribe({
      next: (e) => this.onEvent(hub, e),
      error: (err: unknown) => this.end(hub, err),
      complete: () => this.end(hub),
    });
    sync.start();
    return hub;
  }

  private async release(hub: Hub<T>): Promise<void> {
    if (--hub.refs > 0 || this.hub !== hub) return;
    this.hub = null;
    if (hub.flushTimer) clearImmediate(hub.flushTimer);
    hub.sub.unsubscribe();
    await hub.sync.stop();
  }

  private onEvent(hub: Hub<T>, e: TreeCacheEvent): void {
    if (e.type === 'initialized' || e.type === 'resynced') {
      hub.initialized = true;
      this.flush(hub);
      for (const s of hub.eventSubs) s.next(e);
      return;
    }
    let event: TreeEvent<T>;
    try {
      if (e.type === 'removed') {
        const prev = hub.nodes.get(e.path);
        hub.nodes.delete(e.path);
        const data = prev ? prev.data : decodeOrThrow(this.decode, e.path, e.data);
        event = { type: 'removed', path: e.path, data, stat: e.stat };
      } else {
        const value = { data: decodeOrThrow(this.decode, e.path, e.data), stat: e.stat };
        hub.nodes.set(e.path, value);
        event = { type: e.type, path: e.path, data: value.data, stat: value.stat };
      }
    } catch (err) {
      this.end(hub, err);
      hub.sub.unsubscribe();
      void hub.sync.stop();
      return;
    }
    for (const s of hub.eventSubs) s.next(event);
    if (hub.initialized && !hub.flushTimer) hub.flushTimer = setImmediate(() => this.flush(hub));
  }

  private flush(hub: Hub<T>): void {
    if (hub.flushTimer) clearImmediate(hub.flushTimer);
    hub.flushTimer = null;
    const snapshot = this.freeze(hub);
    for (const s of hub.treeSubs) s.next(snapshot);
  }

  private freeze(hub: Hub<T>): ReadonlyMap<string, NodeValue<T>> {
    hub.last = new Map(hub.nodes);
    return hub.last;
  }

  /** A subscriber that arrived when the engine had already ended (e.g. the client is closed). */
  private endLate(hub: Hub<T>, subscriber: Subscriber<never> | Subscriber<unknown>): () => void {
    if (hub.error === undefined) subscriber.complete();
    else subscriber.error(hub.error);
    return () => void this.release(hub).catch(() => undefined);
  }

  private end(hub: Hub<T>, err?: unknown): void {
    hub.ended = true;
    if (err !== undefined) hub.error = err;
    if (this.hub === hub) this.hub = null;
    if (hub.flushTimer) clearImmediate(hub.flushTimer);
    const subs = [...hub.treeSubs, ...hub.eventSubs];
    hub.treeSubs.clear();
    hub.eventSubs.clear();
    for (const s of subs) {
      if (err === undefined) s.complete();
      else s.error(err);
    }
  }
}
