/**
 * What the session engine writes on a connection right after its handshake, before any user
 * request: the SASL exchange when one is configured (the connection is not usable before it
 * succeeds), then the auth packets (xid -4), then the SetWatches batches (xid -8) that re-arm
 * every watch the client holds, then the requests that waited for a connection. One socket keeps
 * this order, so a request never reaches the server before the credentials or the watches it
 * relies on.
 *
 * @module
 */
import type { Connection } from './connection.js';
import type { EngineOptions } from './engine-options.js';
import { AuthFailedError } from './errors.js';
import type { Logger } from './logger.js';
import type { PendingRequests } from './pending-requests.js';
import type { AuthList } from './reply-handler.js';
import { authenticateSasl } from './sasl-authentication.js';
import { buildSetWatches } from './set-watches.js';
import type { WatchManager } from './watch-manager.js';

/** What {@link authenticateConnection} and {@link primeConnection} need from the engine. */
export interface PrimingContext {
  /** `sasl`: the mechanism run first on every connection, if any. */
  opts: Pick<EngineOptions, 'sasl'>;
  requests: PendingRequests;
  watches: WatchManager;
  auth: AuthList;
  logger: Logger;
  /** A server rejected the SASL exchange or replayed credentials: the engine cannot go on. */
  onAuthFailed(err: Error): void;
}

/**
 * Runs the SASL exchange on `conn` when one is configured, then `ready()` (at once without
 * SASL). After the exchange, only while `isCurrent()` (the engine is not closed and `conn` is
 * still its connection): `ready()` if `conn` is still open, `onAuthFailed` when the credentials
 * were refused; a connection that failed meanwhile reconnects through its close handler.
 *
 * @example
 * ```ts
 * authenticateConnection(conn, ctx, () => conn === current, () => primeAndConnect(conn));
 * ```
 */
export function authenticateConnection(
  conn: Connection,
  ctx: PrimingContext,
  isCurrent: () => boolean,
  ready: () => void,
): void {
  const sasl = ctx.opts.sasl;
  if (sasl === undefined) {
    ready();
    return;
  }
  // SASL first, on this connection: requests wait in the queue (the state is not connected yet).
  authenticateSasl(conn, sasl, ctx.requests).then(
    () => {
      if (!isCurrent() || conn.phase !== 'open') return;
      ctx.logger.info('SASL authenticated', { mechanism: sasl.name, principal: sasl.principal });
      ready();
    },
    (err: unknown) => {
      if (!isCurrent()) return;
      if (err instanceof AuthFailedError) ctx.onAuthFailed(err);
      // else: the connection failed meanwhile; its close handler reconnects
    },
  );
}

/**
 * Auth, then SetWatches batches, then every queued request: in this order, on `conn`.
 * `lastZxid` is the highest zxid seen: SetWatches fires what changed after it.
 *
 * @example
 * ```ts
 * primeConnection(conn, lastZxid, { opts, requests, watches, auth, logger, onAuthFailed: fatal });
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
