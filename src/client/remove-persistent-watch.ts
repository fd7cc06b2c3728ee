/**
 * What `remove()` of the handle that `addWatch` returns does: removes that listener's persistent
 * watch through the engine, locally and on the server, and copes with servers before 3.9.
 *
 * @module
 */
import { ClientClosedError, MarshallingError, NoWatcherError, UnimplementedError } from './errors.js';
import type { SessionEngine } from './session-engine.js';
import type { RawWatchListener } from './watch-manager.js';

/**
 * Removes the persistent watch of `listener` on `serverPath`. Already gone (NoWatcherError) or
 * client closed: nothing to do. ZooKeeper < 3.9 knows no persistent WatcherType in
 * removeWatches (it answers MARSHALLINGERROR or UNIMPLEMENTED): then delivery stops locally and
 * the server-side watch ends with the session.
 *
 * @example
 * ```ts
 * new PersistentWatchHandle(path, recursive, () => removePersistentWatch(engine, serverPath, raw));
 * ```
 */
export async function removePersistentWatch(
  engine: Pick<SessionEngine, 'removeWatches'>,
  serverPath: string,
  listener: RawWatchListener,
): Promise<void> {
  try {
    await engine.removeWatches(serverPath, 'persistent', { listener });
  } catch (err) {
    if (err instanceof NoWatcherError || err instanceof ClientClosedError) return;
    if (!(err instanceof MarshallingError || err instanceof UnimplementedError)) throw err;
    await engine.removeWatches(serverPath, 'persistent', { listener, local: true }).catch(() => {});
  }
}
