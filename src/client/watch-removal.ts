/**
 * Decisions around server-side watches that the plain watch tables cannot make alone: which
 * removeWatches requests a local removal needs, and when a one-shot watch must stay client-side
 * because a persistent watch on the same path already covers it (ZOOKEEPER-4466).
 *
 * @module
 */
import type { Request } from '../protocol/index.js';
import type { RawWatchListener, WatchKind, WatchManager, WatchRegistration } from './watch-manager.js';

/** Server `WatcherType` numbers for removeWatches (3.6+ adds 4 and 5). */
export const SERVER_WATCHER_TYPE = {
  children: 1,
  data: 2,
  any: 3,
  persistent: 4,
  persistentRecursive: 5,
} as const;

/**
 * The removeWatches types to send once `listener` (or every listener) of `type` on `path` is
 * removed locally: only kinds left without any listener are removed on the server.
 *
 * @example
 * ```ts
 * serverRemoveTypes(wm, '/a', 'any'); // [3] when nothing else watches /a
 * ```
 */
export function serverRemoveTypes(
  wm: WatchManager,
  path: string,
  type: 'children' | 'data' | 'any' | 'persistent',
  listener?: RawWatchListener,
): number[] {
  const emptyAfter = (kind: WatchKind): boolean => !wm.remainsAfter(kind, path, listener);
  const t = SERVER_WATCHER_TYPE;
  if (type === 'persistent') {
    const out: number[] = [];
    if (wm.has('persistent', path) && emptyAfter('persistent')) out.push(t.persistent);
    if (wm.has('persistent-recursive', path) && emptyAfter('persistent-recursive')) {
      out.push(t.persistentRecursive);
    }
    return out;
  }
  const dataGone = type !== 'children' && emptyAfter('data') && emptyAfter('exist');
  const childGone = type !== 'data' && emptyAfter('child');
  if (dataGone && childGone) return [t.any];
  if (dataGone) return [t.data];
  if (childGone) return [t.children];
  return [];
}

/**
 * True when a persistent watch on the same path already delivers this one-shot's events. Such a
 * one-shot must not be sent to a server before 3.9, which keeps one watch mode per path and
 * connection and would silently make the persistent watch one-shot (ZOOKEEPER-4466).
 *
 * @example
 * ```ts
 * if (shadowedByPersistent(wm, reg)) req = { ...req, watch: false };
 * ```
 */
export function shadowedByPersistent(wm: WatchManager, w: WatchRegistration): boolean {
  if (w.kind === 'child') return wm.has('persistent', w.path);
  if (w.kind === 'data' || w.kind === 'exist') {
    return wm.has('persistent', w.path) || wm.has('persistent-recursive', w.path);
  }
  return false;
}

/**
 * The reads that arm, on the server, the one-shot watches on `path` that a removed persistent
 * watch was standing in for.
 *
 * @example
 * ```ts
 * for (const req of rearmRequests(wm, '/a')) engine.request(req).catch(log);
 * ```
 */
export function rearmRequests(wm: WatchManager, path: string): Request[] {
  const out: Request[] = [];
  const persistent = wm.has('persistent', path);
  if (
    !persistent &&
    !wm.has('persistent-recursive', path) &&
    (wm.has('data', path) || wm.has('exist', path))
  ) {
    out.push({ op: 'exists', path, watch: true });
  }
  if (!persistent && wm.has('child', path)) out.push({ op: 'getChildren', path, watch: true });
  return out;
}
