/**
 * What the session engine knows of its current session: the id and password a server granted,
 * the negotiated timeout, and whether a read-only server created it; the ConnectRequest that
 * re-attaches it; and the timings the engine derives from the session timeout.
 *
 * @module
 */
import type { ConnectRequest, ConnectResponse } from '../protocol/index.js';

/** The password sent with session id 0 (and kept while there is no session). */
const EMPTY_PASSWORD = Buffer.alloc(16);

/**
 * A session id as logged: `0x…`.
 *
 * @example
 * ```ts
 * hex(255n); // '0xff'
 * ```
 */
export function hex(id: bigint): string {
  return `0x${id.toString(16)}`;
}

/**
 * The engine's session: identity, granted timeout, and the timings derived from it.
 *
 * @example
 * ```ts
 * const session = new CurrentSession();
 * const req = session.connectRequest(0n, 10_000, false); // asks for a new session
 * session.adopt(res);                                    // after the handshake
 * ```
 */
export class CurrentSession {
  /** The session id, 0n while there is none. */
  id = 0n;
  /** The session password (16 bytes). */
  password: Buffer = EMPTY_PASSWORD;
  /** The session timeout the server granted, 0 before the first handshake. */
  negotiatedTimeoutMs = 0;
  /**
   * The session was created by a read-only server: it is local to that server, so the next
   * connection asks for a new one (Java's `seenRwServerBefore`, kept per session).
   */
  fromReadOnly = false;

  /** The ConnectRequest of the next attempt: this session, or a new one (id 0). */
  connectRequest(lastZxidSeen: bigint, sessionTimeoutMs: number, canBeReadOnly: boolean): ConnectRequest {
    const sessionId = this.fromReadOnly ? 0n : this.id;
    return {
      protocolVersion: 0,
      lastZxidSeen,
      timeOut: sessionTimeoutMs,
      sessionId,
      passwd: sessionId === 0n ? EMPTY_PASSWORD : this.password,
      readOnly: canBeReadOnly,
    };
  }

  /** Takes the session of a successful handshake; returns the id held before. */
  adopt(res: ConnectResponse): bigint {
    const prev = this.id;
    this.id = res.sessionId;
    this.password = Buffer.from(res.passwd);
    this.negotiatedTimeoutMs = res.timeOut;
    this.fromReadOnly = res.readOnly && (prev === 0n || this.fromReadOnly);
    return prev;
  }

  /** The session is over (lost or closed). */
  forget(): void {
    this.id = 0n;
    this.password = EMPTY_PASSWORD;
  }

  /**
   * Bound of one connection attempt: the configured connect timeout, but short enough for every
   * host to get a try within the session timeout (at least 1 s).
   */
  attemptTimeoutMs(connectTimeoutMs: number, requestedTimeoutMs: number, hostCount: number): number {
    const session = this.negotiatedTimeoutMs > 0 ? this.negotiatedTimeoutMs : requestedTimeoutMs;
    return Math.min(connectTimeoutMs, Math.max(1_000, Math.floor(session / hostCount)));
  }

  /** How long a connection must have stayed up to reset the reconnect backoff (1 to 10 s). */
  stableAfterMs(): number {
    return Math.min(10_000, Math.max(1_000, Math.floor(this.negotiatedTimeoutMs / 2)));
  }

  /** The longest reconnect backoff: while the session may be re-attached, a quarter of its timeout. */
  reconnectDelayCapMs(): number {
    return this.id === 0n ? Number.POSITIVE_INFINITY : Math.max(100, this.negotiatedTimeoutMs / 4);
  }

  /** How long `close()` waits for the closeSession reply (0.2 to 2 s). */
  closeWaitMs(): number {
    return Math.min(2_000, Math.max(200, Math.floor(this.negotiatedTimeoutMs / 3)));
  }
}
