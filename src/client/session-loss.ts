/**
 * How the session engine ends a session it did not close: a server reports it expired, a
 * server hands out a different one, or no server was reached within the session timeout
 * (Curator's simulated expiry). Requests waiting for the session fail with
 * SessionExpiredError, every watch is told `session-lost`, the state goes `lost`, and a new
 * session follows unless `renewSessionOnExpiry` is false (then `waitForConnection` fails too).
 *
 * @module
 */
import type { ConnectionAttempts } from './connection-attempts.js';
import type { ConnectionWaiters } from './connection-waiters.js';
import { type CurrentSession, hex } from './current-session.js';
import type { EngineOptions } from './engine-options.js';
import { SessionExpiredError } from './errors.js';
import { formatHost, type HostPort } from './host-provider.js';
import type { Logger } from './logger.js';
import type { Packet } from './packet.js';
import { type PendingRequests, pathOf } from './pending-requests.js';
import type { SessionState } from './types.js';
import type { WatchManager } from './watch-manager.js';

/**
 * The error of a request that outlived its session.
 *
 * @example
 * ```ts
 * requests.failQueued(sessionExpired);
 * ```
 */
export function sessionExpired(p: Packet): Error {
  return new SessionExpiredError({ path: pathOf(p.req) });
}

/** The engine transitions a {@link SessionLoss} drives. */
export interface SessionLossHooks {
  /** Moves the engine's state. */
  setState(next: SessionState): void;
  /** True once the engine is closed. */
  isClosed(): boolean;
  /** True while the engine has an open connection. */
  hasOpenConnection(): boolean;
  /** Closes the engine's connection (or attempt), failing what it had in flight. */
  dropConnection(makeError: (p: Packet) => unknown): void;
  /** Connects (for a new session) after `delayMs`. */
  scheduleConnect(delayMs: number): void;
}

/** The engine parts a {@link SessionLoss} works on. */
export interface SessionLossContext {
  opts: EngineOptions;
  session: CurrentSession;
  requests: PendingRequests;
  watches: WatchManager;
  attempts: ConnectionAttempts;
  waiters: ConnectionWaiters;
  logger: Logger;
}

/**
 * The end of a session the engine did not close (one per engine).
 *
 * @example
 * ```ts
 * const loss = new SessionLoss({ opts, session, requests, watches, attempts, waiters, logger }, hooks);
 * if (res.timeOut <= 0) loss.expired(conn.host);
 * ```
 */
export class SessionLoss {
  readonly #ctx: SessionLossContext;
  readonly #hooks: SessionLossHooks;

  constructor(ctx: SessionLossContext, hooks: SessionLossHooks) {
    this.#ctx = ctx;
    this.#hooks = hooks;
  }

  /** The server of the current handshake reports the session expired. */
  expired(host: HostPort): void {
    const { logger, session } = this.#ctx;
    const hooks = this.#hooks;
    logger.warn('server reports the session expired', { host: formatHost(host), sessionId: hex(session.id) });
    hooks.dropConnection(sessionExpired);
    this.#lost('expired');
  }

  /**
   * The server gave us a different session without saying ours expired: ours is gone all the
   * same (ephemerals, watches), so say so before the engine goes on with the new one.
   */
  replaced(requested: bigint, got: bigint): void {
    const { logger, session, requests, watches } = this.#ctx;
    const hooks = this.#hooks;
    logger.warn('server replaced the session', { requested: hex(requested), got: hex(got) });
    session.id = 0n;
    requests.failQueued(sessionExpired);
    watches.clearAll('session-lost');
    hooks.setState('lost');
  }

  /** The session deadline passed: lost, unless a connection opened or the engine closed meanwhile. */
  timedOut(timeoutMs: number): void {
    const { logger, session } = this.#ctx;
    const hooks = this.#hooks;
    if (hooks.hasOpenConnection() || hooks.isClosed()) return;
    logger.warn('no server reached within the session timeout; treating the session as lost', {
      sessionId: hex(session.id),
      timeoutMs,
    });
    hooks.dropConnection(sessionExpired);
    this.#lost('timeout');
  }

  /** The session is gone: fail what waited for it, tell every watch, then renew (or not). */
  #lost(why: 'expired' | 'timeout'): void {
    const { opts, session, requests, watches, attempts, waiters, logger } = this.#ctx;
    const hooks = this.#hooks;
    attempts.clearSessionDeadline();
    attempts.stopProbing();
    session.forget();
    requests.failQueued(sessionExpired);
    watches.clearAll('session-lost');
    logger.warn('session lost', { why, renew: opts.renewSessionOnExpiry });
    hooks.setState('lost');
    if (hooks.isClosed()) return;
    if (opts.renewSessionOnExpiry) {
      attempts.reset();
      hooks.scheduleConnect(0);
    } else {
      waiters.rejectAll(new SessionExpiredError());
    }
  }
}
