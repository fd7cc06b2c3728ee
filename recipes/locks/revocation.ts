/**
 * Lock revocation on request (Curator's `Revoker` / `RevocationListener`): anyone may ask a
 * holder to give its lock up by writing `__REVOKE__` into the holder's lock node; the holder
 * sees it on its handle's `revocationRequested$` and decides whether to release. Nothing is
 * forced: revocation is cooperative, exactly as in Curator.
 * @module
 */
import { Observable, shareReplay } from 'rxjs';
import { BadVersionError, NoNodeError, type WatchListener, type ZooKeeperClient } from '../../src/index.js';
import { sleep } from '../internal/wait-signal.js';
import { isTransientError, retryDelayMs } from '../internal/wait-for-delete.js';

/** The bytes Curator writes into a lock node to request revocation. */
export const REVOKE_MESSAGE = '__REVOKE__';

/**
 * Asks the holder of `lockNodePath` to release it (writes `__REVOKE__` into the node). Resolves
 * `true` when the request was written, `false` when the node no longer exists.
 *
 * @example
 * ```ts
 * const [holder] = (await mutex.participants()).filter((p) => p.role === 'holder');
 * if (holder) await revokeLock(client, holder.path);
 * ```
 */
export async function revokeLock(
  client: ZooKeeperClient,
  lockNodePath: string,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<boolean> {
  try {
    await client.setData(lockNodePath, REVOKE_MESSAGE, opts);
    return true;
  } catch (err) {
    if (err instanceof NoNodeError || err instanceof BadVersionError) return false;
    throw err;
  }
}

/**
 * A cold Observable that emits once per revocation request written into `nodePath`, and completes
 * when the node is deleted or its session is lost. Subscribing arms a `getData` watch on the node
 * (a request written before the subscription is seen at once); unsubscribing removes it.
 *
 * @example
 * ```ts
 * revocationRequests$(client, handle.path).subscribe(() => void handle.release());
 * ```
 */
export function revocationRequests$(client: ZooKeeperClient, nodePath: string): Observable<void> {
  return new Observable<void>((subscriber) => {
    let closed = false;
    let lastSeenVersion = -1;
    const listener: WatchListener = (event) => {
      if (closed) return;
      if (event.type === 'data-changed') void read();
      else subscriber.complete();
    };
    const read = async (): Promise<void> => {
      for (let attempt = 1; !closed; attempt++) {
        try {
          const { data, stat } = await client.getData(nodePath, { watch: listener });
          if (closed) return;
          if (stat.version !== lastSeenVersion && data.toString('utf8') === REVOKE_MESSAGE) {
            lastSeenVersion = stat.version;
            subscriber.next();
          }
          return;
        } catch (err) {
          if (closed) return;
          if (err instanceof NoNodeError) return subscriber.complete();
          if (!isTransientError(err)) return subscriber.error(err);
          await sleep(retryDelayMs(attempt));
        }
      }
    };
    void read();
    return () => {
      closed = true;
      client.removeWatches(nodePath, 'data', { listener }).catch(() => {});
    };
  }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
}
