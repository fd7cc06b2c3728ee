import { finalize, Observable, shareReplay } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import type { CachedNode, WatchMode } from './cache-types.js';
import { TreeSync } from './tree-sync.js';

const registry = new WeakMap<ZooKeeperClient, Map<string, Observable<CachedNode | null>>>();

/**
 * The undecoded value stream of one node, shared by every subscriber on the same client, path
 * and watch mode (internal): one `TreeSync` and so one server watch however many subscribe; the
 * last unsubscribe stops it and removes the watch.
 *
 * Emits the current value (or `null` while the node does not exist) once the first read is in,
 * then one value per real change (new `mzxid`; a delete + re-create is `null` then the new
 * value). Completes when the client closes; errors on a non-transient read failure.
 *
 * @example
 * ```ts
 * sharedNodeStream(client, '/app/config', 'one-shot').subscribe((n) => console.log(n?.stat.version));
 * ```
 */
export function sharedNodeStream(
  client: ZooKeeperClient,
  path: string,
  watchMode: WatchMode,
): Observable<CachedNode | null> {
  const perClient = registry.get(client) ?? new Map<string, Observable<CachedNode | null>>();
  registry.set(client, perClient);
  const key = `${watchMode}:${path}`;
  const existing = perClient.get(key);
  if (existing) return existing;
  const map = perClient;
  const stream = new Observable<CachedNode | null>((subscriber) => {
    const sync = new TreeSync(client, path, { maxDepth: 0, watchMode, maxInFlight: 4 });
    let initialized = false;
    const sub = sync.events$.subscribe({
      next: (e) => {
        if (e.type === 'initialized') {
          initialized = true;
          subscriber.next(sync.get(path) ?? null);
        } else if (!initialized || e.type === 'resynced') {
          // the first value is emitted on 'initialized'; a resync only reports differences
        } else if (e.type === 'removed') {
          subscriber.next(null);
        } else {
          subscriber.next({ data: e.data, stat: e.stat });
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
