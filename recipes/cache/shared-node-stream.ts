import { finalize, Observable, shareReplay } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import type { CachedNode, WatchMode } from './cache-types.js';
import { TreeSync } from './tree-sync.js';

/**
 * One emission of {@link sharedNodeStream}: the node (or `null`), and why it is emitted:
 * `initial` (first read), `change` (a real change), `resync` (a full re-read after a reconnect
 * finished; the node is the same object as before unless a `change` preceded it).
 *
 * @example
 * ```ts
 * const s: NodeSnapshot = { node: null, kind: 'initial' };
 * ```
 */
export interface NodeSnapshot {
  readonly node: CachedNode | null;
  readonly kind: 'initial' | 'change' | 'resync';
}

const registry = new WeakMap<ZooKeeperClient, Map<string, Observable<NodeSnapshot>>>();

/**
 * The undecoded value stream of one node, shared by every subscriber on the same client, path
 * and watch mode (internal): one `TreeSync` and so one server watch however many subscribe; the
 * last unsubscribe stops it and removes the watch.
 *
 * Emits the current value (or `null` while the node does not exist) once the first read is in,
 * then one value per real change (new `mzxid`; a delete + re-create is `null` then the new
 * value), and a `resync` marker after each full re-read that followed a reconnect. Completes
 * when the client closes; errors on a non-transient read failure.
 *
 * @example
 * ```ts
 * sharedNodeStream(client, '/app/config', 'one-shot').subscribe((s) => console.log(s.kind, s.node?.stat.version));
 * ```
 */
export function sharedNodeStream(
  client: ZooKeeperClient,
  path: string,
  watchMode: WatchMode,
): Observable<NodeSnapshot> {
  const perClient = registry.get(client) ?? new Map<string, Observable<NodeSnapshot>>();
  registry.set(client, perClient);
  const key = `${watchMode}:${path}`;
  const existing = perClient.get(key);
  if (existing) return existing;
  const map = perClient;
  const stream = new Observable<NodeSnapshot>((subscriber) => {
    const sync = new TreeSync(client, path, { maxDepth: 0, watchMode, maxInFlight: 4 });
    let initialized = false;
    let node: CachedNode | null = null;
    const sub = sync.events$.subscribe({
      next: (e) => {
        if (e.type === 'initialized') {
          initialized = true;
          node = sync.get(path) ?? null;
          subscriber.next({ node, kind: 'initial' });
        } else if (e.type === 'resynced') {
          subscriber.next({ node, kind: 'resync' });
        } else if (initialized) {
          node = e.type === 'removed' ? null : { data: e.data, stat: e.stat };
          subscriber.next({ node, kind: 'change' });
        }
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    sync.start();
    return () => {
      sub.unsubscribe();
      void sync.stop();
    };
  }).pipe(
    finalize(() => {
      if (map.get(key) === stream) map.delete(key);
    }),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  map.set(key, stream);
  return stream;
}
