/**
 * The polite end of a session: a closeSession request, so the server drops the session and its
 * ephemeral nodes at once instead of after the session timeout. The engine waits for the reply
 * only briefly (`CurrentSession.closeWaitMs`); the session ends on the server either way.
 *
 * @module
 */
import type { Connection } from './connection.js';
import { type CurrentSession, hex } from './current-session.js';
import { RequestTimeoutError } from './errors.js';
import type { Logger } from './logger.js';
import type { PendingRequests } from './pending-requests.js';

/**
 * Sends closeSession on the open `conn` of `session`; resolves on its reply, its failure or after
 * the session's close wait, then logs. Never rejects; does not close `conn`.
 *
 * @example
 * ```ts
 * await closeSession(conn, session, requests, logger);
 * conn.close();
 * ```
 */
export async function closeSession(
  conn: Connection,
  session: CurrentSession,
  requests: PendingRequests,
  logger: Logger,
): Promise<void> {
  const waitMs = session.closeWaitMs();
  await new Promise<void>((resolve) => {
    const p = requests.internal(
      { op: 'closeSession' },
      () => resolve(),
      () => resolve(),
    );
    p.timer = setTimeout(() => requests.reject(p, new RequestTimeoutError()), waitMs);
    requests.send(conn, p);
  });
  logger.info('session closed', { sessionId: hex(session.id) });
}
