/**
 * What the session engine writes on a connection right after its handshake, before any user
 * request: the auth packets (xid -4), then the SetWatches batches (xid -8) that re-arm every
 * watch the client holds, then the requests that waited for a connection. One socket keeps this
 * order, so a request never reaches the server before the credentials or the watches it relies on.
 *
 * @module
 */
import { AuthFailedError } from './errors.js';
import type { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { PendingRequests } from './pending-requests.js';
import type { AuthList } from './reply-handler.js';
import { buildSetWatches } from './set-watches.js';
import type { WatchManager } from './watch-manager.js';

/** What {@link primeConnection} needs from the engine. */
export interface PrimingContext {
  requests: PendingRequests;
  watches: WatchManager;
  auth: AuthList;
  logger: Logger;
  /** A server rejected replayed credentials: the engine cannot go on. */
  onAuthFailed(err: Error): void;
}

/**
 * Auth, then SetWatches batches, then every queued request: in this order, on `conn`.
 * `lastZxid` is the highest zxid seen: SetWatches fires what changed after it.
 *
 * @example
 * ```ts
 * primeConnection(conn, lastZxid, { requests, watches, auth, logger, onAuthFailed: fatal });
 * ```
 */
export function primeConnection(conn: Connection, lastZxid: bigint, ctx: PrimingContext): void {
  const { requests, watches: wm } = ctx;
  for (const a of ctx.auth) {
    const p = requests.internal({ op: 'auth', type: 0, scheme: a.scheme, auth: a.auth }, (err) => {
      if (err instanceof AuthFailedError) ctx.onAuthFailed(err);
    });
    requests.send(conn, p);
  }
  if (wm.size > 0) {
    const batches = buildSetWatches(lastZxid, {
      data: wm.paths('data'),
      exist: wm.paths('exist'),
      child: wm.paths('child'),
      persistent: wm.paths('persistent'),
      persistentRecursive: wm.paths('persistent-recursive'),
    });
    for (const req of batches) {
      const p = requests.internal(req, (err) => {
        ctx.logger.warn('setWatches failed', { err });
      });
      p.xid = -8;
      requests.send(conn, p);
    }
  }
  for (const p of requests.takeQueued()) requests.send(conn, p);
}
