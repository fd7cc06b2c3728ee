/**
 * The session engine: one ZooKeeper session kept alive across connections, modelled on the Java
 * `ClientCnxn` with Curator's connection-state semantics. See docs/design/engine-api.md. This
 * file holds the request path and the session state machine; the steps around them have their
 * own modules, named below.
 *
 * - Connects through the hosts in rotation; each attempt is bounded by a connect timeout that
 *   covers TCP, TLS and the handshake. Backoff follows the retry policy once every host has
 *   failed, and is not reset until a connection has stayed up for a while
 *   (`connection-attempts.ts`; timings in `current-session.ts`).
 * - On every handshake, before any user request: the SASL exchange (if configured), auth
 *   packets, SetWatches(2) batches, then the requests that waited for the connection
 *   (`session-priming.ts`).
 * - A dropped connection fails every request in flight with ConnectionLossError and moves to
 *   `suspended`; the same session is re-attached on another server. `lost` comes when a server
 *   reports the session expired, or when no server was reached within the session timeout
 *   (Curator's simulated expiry); a new session follows unless `renewSessionOnExpiry` is false.
 * - Read-only: with `canBeReadOnly` the ConnectRequest says so, a read-only server is accepted
 *   (`read-only`), and the other hosts are probed for a read/write server, which the engine
 *   then moves to; without the probe it still moves when the read-only server drops its clients
 *   on regaining quorum. ZooKeeper's read-only servers only create local sessions (servers need
 *   `readonlymode.enabled=true` and `localSessionsEnabled=true`) and report an existing global
 *   session as expired: a client that loses quorum therefore goes `suspended`, `lost`, then
 *   `read-only` on a new local session, replaced by a read/write session once a quorum is back.
 * - Watches: one-shot watches are armed when their read succeeds (`reply-handler.ts`), re-armed
 *   after reconnects, and told `session-lost` / `closed` once. A one-shot watch on a path that a
 *   persistent watch covers stays client-side (ZOOKEEPER-4466; see `remove-watches.ts`).
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { ConnectResponse, Request, Response } from '../protocol/index.js';
import { type ClientStats, StatsCounter } from './client-stats.js';
import { closeSession } from './close-session.js';
import { Connection, type ConnectionOwner } from './connection.js';
import { ConnectionAttempts } from './connection-attempts.js';
import { ConnectionWaiters } from './connection-waiters.js';
import { CurrentSession, hex } from './current-session.js';
import type { EngineOptions, RemoveWatchesOptions, RequestOptions } from './engine-options.js';
import {
  ClientClosedError,
  ConnectionLossError,
  InvalidArgumentError,
  SessionExpiredError,
} from './errors.js';
import { formatHost, type HostPort } from './host-provider.js';
import type { Logger } from './logger.js';
import type { Packet } from './packet.js';
import { PendingRequests, pathOf } from './pending-requests.js';
import { removeWatches, type WatchRemovalContext } from './remove-watches.js';
import { ReplyHandler } from './reply-handler.js';
import { authenticateConnection, type PrimingContext, primeConnection } from './session-priming.js';
import { SessionLoss } from './session-loss.js';
import { isConnectedState, SessionStateHolder } from './session-state.js';
import type { SessionState } from './types.js';
import { WatchManager } from './watch-manager.js';
import { shadowedByPersistent } from './watch-removal.js';

export type { EngineOptions, RemoveWatchesOptions, RequestOptions } from './engine-options.js';
export type { RawWatchEvent, RawWatchListener, WatchKind, WatchRegistration } from './watch-manager.js';

/** The error of a request whose connection the engine left. */
const connectionLoss = (p: Packet): Error => new ConnectionLossError({ path: pathOf(p.req) });

/**
 * Keeps one session alive over a rotating set of connections.
 *
 * @example
 * ```ts
 * const engine = new SessionEngine({ hosts, sessionTimeoutMs: 10_000, connectTimeoutMs: 5_000,
 *   requestTimeoutMs: 30_000, retryPolicy: DEFAULT_RECONNECT_POLICY, auth: [], canBeReadOnly: false,
 *   renewSessionOnExpiry: true, logger: noopLogger });
 * await engine.waitForConnection();
 * const res = await engine.request({ op: 'exists', path: '/', watch: false });
 * await engine.close();
 * ```
 */
export class SessionEngine {
  readonly #opts: EngineOptions;
  readonly #logger: Logger;
  readonly #state = new SessionStateHolder();
  readonly #stats = new StatsCounter();
  readonly #watches: WatchManager;
  readonly #session = new CurrentSession();
  #lastZxid = 0n;
  #initialConnectSent = false;
  #handshakes = 0;
  #conn: Connection | undefined;
  readonly #requests: PendingRequests;
  readonly #attempts: ConnectionAttempts;
  readonly #watchRemoval: WatchRemovalContext;
  readonly #priming: PrimingContext;
  readonly #loss: SessionLoss;
  readonly #waiters = new ConnectionWaiters();
  #closed = false;
  #closeReason: Error | undefined;
  #closePromise: Promise<void> | undefined;
  readonly #owner: ConnectionOwner;

  constructor(opts: EngineOptions) {
    if (!(opts.sessionTimeoutMs > 0)) throw new InvalidArgumentError('sessionTimeoutMs must be positive');
    if (!(opts.connectTimeoutMs > 0)) throw new InvalidArgumentError('connectTimeoutMs must be positive');
    if (!(opts.requestTimeoutMs >= 0)) throw new InvalidArgumentError('requestTimeoutMs must be >= 0');
    this.#opts = opts;
    const logger = opts.logger;
    const stats = this.#stats;
    this.#logger = logger;
    const attempts = new ConnectionAttempts(opts, {
      stats,
      onDue: () => this.#connect(),
      onReadWriteFound: (host) => this.#moveToReadWrite(host),
      onSessionDeadline: (timeoutMs) => this.#loss.timedOut(timeoutMs),
    });
    const watches = new WatchManager(logger);
    const requests = new PendingRequests(stats, opts.requestTimeoutMs);
    const auth = opts.auth.map((a) => ({ scheme: a.scheme, auth: a.auth }));
    this.#attempts = attempts;
    this.#watches = watches;
    this.#requests = requests;
    this.#watchRemoval = { watches, request: (req, o) => this.request(req, o), logger };
    this.#priming = { opts, requests, watches, auth, logger, onAuthFailed: (err) => this.#fatal(err) };
    this.#loss = new SessionLoss(
      { opts, session: this.#session, requests, watches, attempts, waiters: this.#waiters, logger },
      {
        setState: (next) => this.#setState(next),
        isClosed: () => this.#closed,
        hasOpenConnection: () => this.#conn?.phase === 'open',
        dropConnection: (makeError) => this.#dropConnection(makeError),
        scheduleConnect: (delayMs) => this.#scheduleConnect(delayMs),
      },
    );
    const replies = new ReplyHandler({ requests, watches, stats, logger, auth });
    this.#owner = {
      onHandshake: (conn, res) => this.#onHandshake(conn, res),
      onReply: (p, h, r) => replies.onReply(p, h, r),
      onNotification: (e, zxid) => replies.onNotification(e, zxid),
      onZxid: (zxid) => {
        if (zxid > this.#lastZxid) this.#lastZxid = zxid;
      },
      onClosed: (conn, reason, unanswered) => this.#onConnectionClosed(conn, reason, unanswered),
    };
    this.#scheduleConnect(0);
  }

  /** The current session state. */
  get state(): SessionState {
    return this.#state.value;
  }

  /** Replays the current state to each subscriber, then every change. */
  get state$(): Observable<SessionState> {
    return this.#state.state$;
  }

  /** The session id, 0n while there is none. */
  get sessionId(): bigint {
    return this.#session.id;
  }

  /** The session password (16 bytes), empty when there is no session. */
  get sessionPassword(): Buffer {
    return this.#session.id === 0n ? Buffer.alloc(0) : Buffer.from(this.#session.password);
  }

  /** The session timeout the server granted, 0 before the first handshake. */
  get negotiatedTimeoutMs(): number {
    return this.#session.negotiatedTimeoutMs;
  }

  /** The highest zxid seen in any reply. */
  get lastZxidSeen(): bigint {
    return this.#lastZxid;
  }

  /** The server of the current connection, if connected. */
  get connectedHost(): HostPort | undefined {
    return this.#conn?.phase === 'open' ? { ...this.#conn.host } : undefined;
  }

  /** Counters since creation. */
  stats(): ClientStats {
    return this.#stats.snapshot();
  }

  /**
   * Resolves once the state is `connected`, `reconnected` or `read-only`. Rejects with
   * RequestTimeoutError after `timeoutMs`, `signal.reason` on abort, ClientClosedError when the
   * engine closes, SessionExpiredError when the session is lost and will not be renewed.
   */
  waitForConnection(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (isConnectedState(this.state)) return Promise.resolve();
    if (this.state === 'lost' && !this.#opts.renewSessionOnExpiry) {
      return Promise.reject(
        new SessionExpiredError({ message: 'Session expired and renewSessionOnExpiry is false' }),
      );
    }
    return this.#waiters.wait(opts);
  }

  /**
   * Sends one request and resolves with its decoded response; waits for a connection first.
   * Rejects with the typed server error, ConnectionLossError, RequestTimeoutError,
   * ClientClosedError, SessionExpiredError or `signal.reason`.
   */
  request(req: Request, opts: RequestOptions = {}): Promise<Response> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.state === 'lost' && !this.#opts.renewSessionOnExpiry) {
      return Promise.reject(new SessionExpiredError({ path: pathOf(req) }));
    }
    let wire = req;
    if (opts.watch && 'watch' in req && req.watch && shadowedByPersistent(this.#watches, opts.watch)) {
      // ZooKeeper before 3.9 (ZOOKEEPER-4466) keeps one watch mode per path and connection: a
      // one-shot watch would silently turn our persistent watch on this path into a one-shot
      // one. The persistent watch already brings every event, so arm the one-shot locally only.
      wire = { ...req, watch: false } as Request;
    }
    const timeoutMs = opts.timeoutMs ?? this.#opts.requestTimeoutMs;
    return this.#requests.open(wire, { timeoutMs, signal, watch: opts.watch }, (p) => {
      const conn = this.#conn;
      if (conn !== undefined && conn.phase === 'open' && isConnectedState(this.state))
        this.#requests.send(conn, p);
      else this.#requests.enqueue(p);
    });
  }

  /**
   * Removes local watch registrations of `type` on `path` (only `listener` when given); unless
   * `local`, also removes the server's watch once no local listener of that kind is left.
   * Removed listeners get `{ type: 'watch-removed' }`. Rejects with NoWatcherError when nothing
   * matched.
   */
  removeWatches(
    path: string,
    type: 'children' | 'data' | 'any' | 'persistent',
    opts: RemoveWatchesOptions = {},
  ): Promise<void> {
    return removeWatches(this.#watchRemoval, path, type, opts);
  }

  /** Closes the session (closeSession, then the socket). Idempotent. */
  close(): Promise<void> {
    this.#closePromise ??= this.#doClose();
    return this.#closePromise;
  }

  // ---------------------------------------------------------------- connections

  #scheduleConnect(delayMs: number): void {
    if (this.#closed || this.#conn !== undefined) return;
    this.#attempts.schedule(delayMs);
  }

  #connect(): void {
    if (this.#closed || this.#conn !== undefined) return;
    if (this.state === 'lost' && !this.#opts.renewSessionOnExpiry) return;
    this.#conn = new Connection(this.#attempts.next(this.#session, this.#lastZxid), this.#owner);
  }

  #onHandshake(conn: Connection, res: ConnectResponse): void {
    if (conn !== this.#conn) {
      conn.close();
      return;
    }
    if (res.timeOut <= 0) {
      this.#loss.expired(conn.host);
      return;
    }
    if (conn.requestedSessionId !== 0n && res.sessionId !== conn.requestedSessionId) {
      this.#loss.replaced(conn.requestedSessionId, res.sessionId);
      if (this.#closed || conn !== this.#conn) return;
    }
    const prevSession = this.#session.adopt(res);
    this.#attempts.clearSessionDeadline();
    conn.startPings(res.timeOut);
    if (this.#handshakes++ > 0) this.#stats.reconnects++;
    this.#logger.info('session established', {
      host: formatHost(conn.host),
      sessionId: hex(res.sessionId),
      negotiatedTimeoutMs: res.timeOut,
      readOnly: res.readOnly,
      sameSession: prevSession === res.sessionId,
    });
    const isCurrent = (): boolean => !this.#closed && conn === this.#conn;
    authenticateConnection(conn, this.#priming, isCurrent, () => this.#ready(conn, res.readOnly));
  }

  /** The connection is usable: auth replay, setWatches, queued requests, then the new state. */
  #ready(conn: Connection, readOnly: boolean): void {
    primeConnection(conn, this.#lastZxid, this.#priming);
    const next = readOnly ? 'read-only' : this.#initialConnectSent ? 'reconnected' : 'connected';
    if (!readOnly) this.#initialConnectSent = true;
    if (readOnly) this.#attempts.probeForReadWrite(conn.host);
    else this.#attempts.stopProbing();
    this.#setState(next);
  }

  #onConnectionClosed(conn: Connection, reason: Error, unanswered: Packet[]): void {
    const established = conn.openedAt > 0;
    const lossError = (p: Packet): Error => new ConnectionLossError({ path: pathOf(p.req), cause: reason });
    this.#requests.failAll(unanswered, lossError);
    if (conn !== this.#conn || this.#closed) return;
    this.#conn = undefined;
    const host = formatHost(conn.host);
    if (!established) {
      this.#logger.warn('connection attempt failed', { host, reason: reason.message });
      this.#retryAfterFailure();
      return;
    }
    const sessionId = hex(this.#session.id);
    this.#logger.warn('connection lost', { host, sessionId, reason: reason.message });
    this.#requests.failQueued(lossError);
    this.#attempts.stopProbing();
    this.#attempts.startSessionDeadline(this.#session);
    const stable = performance.now() - conn.openedAt >= this.#session.stableAfterMs();
    if (this.state !== 'lost') this.#setState('suspended');
    if (stable) {
      this.#attempts.reset();
      this.#scheduleConnect(0);
    } else this.#retryAfterFailure();
  }

  /** Counts a failure; tries the next host at once until every host failed, then backs off. */
  #retryAfterFailure(): void {
    if (this.#closed) return;
    const delay = this.#attempts.delayAfterFailure(this.#session.reconnectDelayCapMs());
    if (delay !== null) this.#scheduleConnect(delay);
    else {
      const failures = this.#attempts.failures;
      const message = `Gave up connecting after ${failures} failed attempts (retry policy exhausted)`;
      this.#fatal(new ConnectionLossError({ message }));
    }
  }

  /** The read-only probe found a read/write server: leave the read-only one for it. */
  #moveToReadWrite(host: HostPort): void {
    if (this.#closed || this.state !== 'read-only') return;
    this.#logger.info('found a read/write server; leaving the read-only one', { host: formatHost(host) });
    this.#attempts.preferNext(host);
    if (this.#conn) {
      this.#dropConnection(connectionLoss);
      this.#requests.failQueued(connectionLoss);
      this.#setState('suspended');
      this.#attempts.startSessionDeadline(this.#session);
    }
    this.#scheduleConnect(0);
  }

  // ---------------------------------------------------------------- state and closing

  #setState(next: SessionState): void {
    const changed = this.#state.set(next, (err) => this.#logger.error('state listener threw', { err }));
    if (changed) this.#logger.info('session state', { state: next, sessionId: hex(this.#session.id) });
    if (isConnectedState(next)) this.#waiters.resolveAll();
  }

  #closedError(): Error {
    return new ClientClosedError(undefined, this.#closeReason ? { cause: this.#closeReason } : undefined);
  }

  /** Closes the current connection (or attempt), failing what it had in flight. */
  #dropConnection(makeError: (p: Packet) => unknown): void {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn) this.#requests.failAll(conn.close(), makeError);
  }

  /** Unrecoverable: auth rejected or the retry policy gave up. */
  #fatal(err: Error): void {
    if (this.#closed) return;
    this.#logger.error('closing the client', { reason: err.message });
    this.#closeReason = err;
    this.#closePromise = Promise.resolve();
    this.#shutDown(() => err, false);
  }

  async #doClose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#attempts.stop();
    const conn = this.#conn;
    const open = conn?.phase === 'open' && this.#session.id !== 0n;
    if (open) await closeSession(conn, this.#session, this.#requests, this.#logger);
    this.#shutDown(() => new ClientClosedError(), true);
  }

  /** Closed for good: stops every timer, fails every request, tells every watch and waiter. */
  #shutDown(makeError: () => Error, forgetSession: boolean): void {
    this.#closed = true;
    this.#attempts.stop();
    this.#dropConnection(makeError);
    this.#requests.failQueued(makeError);
    this.#watches.clearAll('closed');
    if (forgetSession) this.#session.forget();
    this.#setState('closed');
    this.#waiters.rejectAll(makeError());
  }
}
