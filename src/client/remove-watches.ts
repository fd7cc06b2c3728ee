/**
 * The session engine's `removeWatches`: drops local watch registrations and sends the
 * removeWatches requests the server then needs, including the fallback for servers before 3.9,
 * which know no persistent WatcherType (4, 5) and keep one watch mode per path and session
 * (ZOOKEEPER-4466): there `Any` (3) removes the persistent watch, and the one-shot watches it
 * stood in for are re-armed afterwards.
 *
 * @module
 */
import type { Request, Response } from '../protocol/index.js';
import type { RemoveWatchesOptions, RequestOptions } from './engine-options.js';
import { InvalidArgumentError, MarshallingError, NoWatcherError, UnimplementedError } from './errors.js';
import type { Logger } from './logger.js';
import { type RawWatchListener, REMOVE_KINDS, type WatchKind, type WatchManager } from './watch-manager.js';
import { rearmRequests, SERVER_WATCHER_TYPE, serverRemoveTypes } from './watch-removal.js';

/** What {@link removeWatches} needs from the engine. */
export interface WatchRemovalContext {
  watches: WatchManager;
  /** Sends one request through the engine (waits for a connection like any request). */
  request(req: Request, opts?: RequestOptions): Promise<Response>;
  logger: Logger;
}

/**
 * Removes local watch registrations of `type` on `path` (only `opts.listener` when given);
 * unless `opts.local`, also removes the server's watch once no local listener of that kind is
 * left. Removed listeners get `{ type: 'watch-removed' }`. Rejects with NoWatcherError when
 * nothing matched.
 *
 * @example
 * ```ts
 * await removeWatches({ watches, request, logger }, '/a', 'data', { listener });
 * ```
 */
export async function removeWatches(
  ctx: WatchRemovalContext,
  path: string,
  type: 'children' | 'data' | 'any' | 'persistent',
  opts: RemoveWatchesOptions = {},
): Promise<void> {
  const kinds = REMOVE_KINDS[type];
  if (kinds === undefined) throw new InvalidArgumentError(`Unknown watch type '${String(type)}'`);
  const wm = ctx.watches;
  const { listener } = opts;
  if (kinds.every((k) => !wm.matches(k, path, listener))) throw new NoWatcherError({ path });
  if (!opts.local) {
    for (const serverType of serverRemoveTypes(wm, path, type, listener)) {
      try {
        await ctx.request(
          { op: 'removeWatches', path, type: serverType },
          { signal: opts.signal, timeoutMs: opts.timeoutMs },
        );
      } catch (err) {
        if (err instanceof NoWatcherError) continue;
        if (!persistentTypeUnknown(err, serverType)) throw err;
        // ZooKeeper < 3.9 knows no persistent WatcherType (4, 5) in removeWatches; it keeps one
        // watch mode per path and session, so `Any` (3) removes exactly the persistent watch.
        // One-shot watches it stood in for are re-armed below. Skip it when another persistent
        // kind still needs the server's watch on this path.
        if (!otherPersistentRemains(wm, path, serverType, listener)) {
          await ctx
            .request(
              { op: 'removeWatches', path, type: SERVER_WATCHER_TYPE.any },
              { signal: opts.signal, timeoutMs: opts.timeoutMs },
            )
            .catch((e: unknown) => {
              if (!(e instanceof NoWatcherError)) throw e;
            });
        }
      }
    }
  }
  wm.remove(path, kinds, listener);
  if (type === 'persistent' && !opts.local) {
    for (const rearm of rearmRequests(wm, path)) {
      ctx.request(rearm).catch((err: unknown) => ctx.logger.warn('could not re-arm a watch', { path, err }));
    }
  }
}

/** True when a server rejected a persistent WatcherType (4/5) it does not know (before 3.9). */
function persistentTypeUnknown(err: unknown, serverType: number): boolean {
  const persistentType =
    serverType === SERVER_WATCHER_TYPE.persistent || serverType === SERVER_WATCHER_TYPE.persistentRecursive;
  return persistentType && (err instanceof MarshallingError || err instanceof UnimplementedError);
}

/** True when the other persistent kind on `path` keeps a listener after this removal. */
function otherPersistentRemains(
  wm: WatchManager,
  path: string,
  serverType: number,
  listener: RawWatchListener | undefined,
): boolean {
  const other: WatchKind =
    serverType === SERVER_WATCHER_TYPE.persistent ? 'persistent-recursive' : 'persistent';
  return wm.remainsAfter(other, path, listener);
}
