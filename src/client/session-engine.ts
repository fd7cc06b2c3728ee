/**
 * The session engine: one ZooKeeper session kept alive across connections, modelled on the Java
 * `ClientCnxn` with Curator's connection-state semantics. See docs/design/engine-api.md.
 *
 * - Connects through the hosts in rotation; each attempt is bounded by a connect timeout that
 *   covers TCP, TLS and the handshake. Backoff follows the retry policy once every host has
 *   failed, and is not reset until a connection has stayed up for a while.
 * - On every handshake, before any user request: auth packets, then SetWatches(2) batches, then
 *   the requests that waited for the connection.
 * - A dropped connection fails every request in flight with ConnectionLossError and moves to
 *   `suspended`; the same session is re-attached on another server. `lost` comes when a server
 *   reports the session expired, or when no server was reached within the session timeout
 *   (Curator's simulated expiry); a new session follows unless `renewSessionOnExpiry` is false.
 * - Read-only: with `canBeReadOnly` the ConnectRequest says so, a read-only server is accepted
 *   (`read-only`), and the other hosts are probed with the `isro` four-letter word in rounds
 *   (100 ms, doubling up to 60 s; needs `isro` in `4lw.commands.whitelist`, plain TCP only);
 *   when one answers `rw` the engine moves there. Without the probe it still moves when the
 *   read-only server drops its clients on regaining quorum. ZooKeeper's read-only servers only
 *   create local sessions (servers need `readonlymode.enabled=true` and
 *   `localSessionsEnabled=true`) and report an existing global session as expired: a client
 *   that loses quorum therefore goes `suspended`, `lost`, then `read-only` on a new local
 *   session, which is replaced by a new read/write session once a quorum is back.
 * - Watches: one-shot watches are armed when their read succeeds (exists on an existing node
 *   arms a data watch, as in Java), re-armed after reconnects with setWatches/setWatches2 in
 *   128 KB batches, and told `session-lost` / `closed` once. A one-shot watch on a path that a
 *   persistent watch already covers stays client-side, because servers before 3.9 would turn
 *   the persistent watch into a one-shot one (ZOOKEEPER-4466).
 *
 * @module
 */
import type { Observable } from 'rxjs';
import {
  type ConnectResponse,
  decodeResponse,
  type JuteReader,
  type ReplyHeader,
  type Request,
  type Response,
  type WatcherEvent,
} from '../protocol/index.js';
import { type ClientStats, StatsCounter } from './client-stats.js';
import { Connection, type ConnectionOwner } from './connection.js';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  errorFromCode,
  InvalidArgumentError,
  MarshallingError,
  NoWatcherError,
  RequestTimeoutError,
  SessionExpiredError,
  UnimplementedError,
} from './errors.js';
import { formatHost, type HostPort, HostProvider } from './host-provider.js';
import type { Logger } from './logger.js';
import type { Packet } from './packet.js';
import { PendingRequests, pathOf } from './pending-requests.js';
import { ConnectionWaiters } from './connection-waiters.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { ReadWriteSeeker } from './rw-probe.js';
import { isConnectedState, SessionStateHolder } from './session-state.js';
import { buildSetWatches } from './set-watches.js';
import { netTransport, type TransportFactory } from './transport.js';
import type { SessionState } from './types.js';
import {
  type RawWatchListener,
  REMOVE_KINDS,
  type WatchKind,
  WatchManager,
  type WatchRegistration,
} from './watch-manager.js';
import {
  rearmRequests,
  SERVER_WATCHER_TYPE,
  serverRemoveTypes,
  shadowedByPersistent,
} from './watch-removal.js';
import type { EngineOptions, RemoveWatchesOptions, RequestOptions } from './engine-options.js';

export type { EngineOptions, RemoveWatchesOptions, RequestOptions } from './engine-options.js';
export type { RawWatchEvent, RawWatchListener, WatchKind, WatchRegistration } from './watch-manager.js';

const EMPTY_PASSWORD = Buffer.alloc(16);

function hex(id: bigint): string {
  return `0x${id.toString(16)}`;
}

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
  readonly #hosts: HostProvider;
  readonly #transport: TransportFactory;
  readonly #state = new SessionStateHolder();
  readonly #stats = new StatsCounter();
  readonly #watches: WatchManager;
  readonly #auth: { scheme: string; auth: Buffer }[];
  #sessionId = 0n;
  #password: Buffer = EMPTY_PASSWORD;
  #negotiatedTimeoutMs = 0;
  #lastZxid = 0n;
  /**
   * The session was created by a read-only server: it is local to that server, so the next
   * connection asks for a new one (Java's `seenRwServerBefore`, kept per session).
   */
  #sessionFromReadOnly = false;
  #initialConnectSent = false;
  #handshakes = 0;
  #conn: Connection | undefined;
  readonly #requests: PendingRequests;
  readonly #backoff: ReconnectBackoff;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #lostTimer: NodeJS.Timeout | undefined;
  #rwSeeker: ReadWriteSeeker | undefined;
  #preferredHost: HostPort | undefined;
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
    this.#logger = opts.logger;
    this.#hosts = new HostProvider(opts.hosts, { shuffle: opts.shuffleHosts ?? true });
    this.#backoff = new ReconnectBackoff(opts.retryPolicy, this.#hosts.size);
    this.#transport = opts.transport ?? netTransport(opts.tls);
    this.#watches = new WatchManager(opts.logger);
    this.#requests = new PendingRequests(this.#stats);
    this.#auth = opts.auth.map((a) => ({ scheme: a.scheme, auth: a.auth }));
    this.#owner = {
      onHandshake: (conn, res) => this.#onHandshake(conn, res),
      onReply: (p, h, r) => this.#onReply(p, h, r),
      onNotification: (e, zxid) => this.#onNotification(e, zxid),
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
    return this.#sessionId;
  }

  /** The session password (16 bytes), empty when there is no session. */
  get sessionPassword(): Buffer {
    return this.#sessionId === 0n ? Buffer.alloc(0) : Buffer.from(this.#password);
  }

  /** The session timeout the server granted, 0 before the first handshake. */
  get negotiatedTimeoutMs(): number {
    return this.#negotiatedTimeoutMs;
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
  async removeWatches(
    path: string,
    type: 'children' | 'data' | 'any' | 'persistent',
    opts: RemoveWatchesOptions = {},
  ): Promise<void> {
    const kinds = REMOVE_KINDS[type];
    if (kinds === undefined) throw new InvalidArgumentError(`Unknown watch type '${String(type)}'`);
    const wm = this.#watches;
    const { listener } = opts;
    if (kinds.every((k) => !wm.matches(k, path, listener))) throw new NoWatcherError({ path });
    if (!opts.local) {
      for (const serverType of serverRemoveTypes(wm, path, type, listener)) {
        try {
          await this.request(
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
            await this.request(
              { op: 'removeWatches', path, type: SERVER_WATCHER_TYPE.any },
              { signal: opts.signal, timeoutMs: opts.timeoutMs },
            ).catch((e: unknown) => {
              if (!(e instanceof NoWatcherError)) throw e;
            });
          }
        }
      }
    }
    wm.remove(path, kinds, listener);
    if (type === 'persistent' && !opts.local) {
      for (const rearm of rearmRequests(wm, path)) {
        this.request(rearm).catch((err: unknown) =>
          this.#logger.warn('could not re-arm a watch', { path, err }),
        );
      }
    }
  }

  /** Closes the session (closeSession, then the socket). Idempotent. */
  close(): Promise<void> {
    this.#closePromise ??= this.#doClose();
    return this.#closePromise;
  }

  // ---------------------------------------------------------------- requests

  #onReply(p: Packet, header: ReplyHeader, r: JuteReader): void {
    if (p.done) return;
    const err = header.err;
    const req = p.req;
    if (err !== 0) {
      if (err === -101 && p.watch?.kind === 'exist') this.#arm(p.watch);
      if (err === -115 && req.op === 'auth' && p.internal) {
        this.#requests.reject(
          p,
          new AuthFailedError({ message: `Authentication failed for scheme '${req.scheme}'` }),
        );
        return;
      }
      this.#requests.reject(p, errorFromCode(err, pathOf(req)));
      return;
    }
    let res: Response;
    try {
      res = decodeResponse(req.op, r);
    } catch (cause) {
      this.#logger.error('undecodable reply', { op: req.op, xid: p.xid, cause });
      this.#requests.reject(p, new MarshallingError({ path: pathOf(req), cause }));
      return;
    }
    if (p.watch) {
      // Like Java's ExistsWatchRegistration: exists on a node that is there arms a data watch.
      // The server treats setWatches' existWatches as "fire NodeCreated if it exists now".
      const w = p.watch;
      this.#watches.add(w.kind === 'exist' ? 'data' : w.kind, w.path, w.listener);
    }
    if (req.op === 'auth' && !p.internal) this.#rememberAuth(req.scheme, req.auth);
    this.#requests.resolve(p, res);
  }

  #arm(w: WatchRegistration): void {
    this.#watches.add(w.kind, w.path, w.listener);
  }

  #rememberAuth(scheme: string, auth: Buffer): void {
    if (!this.#auth.some((a) => a.scheme === scheme && a.auth.equals(auth)))
      this.#auth.push({ scheme, auth });
  }

  #onNotification(e: WatcherEvent, zxid: bigint): void {
    this.#stats.watchEvents++;
    this.#logger.debug('watch notification', { type: e.type, path: e.path });
    this.#watches.dispatch(e.type, e.path, zxid >= 0n ? zxid : undefined);
  }

  // ---------------------------------------------------------------- connections

  #connectTimeoutMs(): number {
    const session = this.#negotiatedTimeoutMs > 0 ? this.#negotiatedTimeoutMs : this.#opts.sessionTimeoutMs;
    return Math.min(this.#opts.connectTimeoutMs, Math.max(1_000, Math.floor(session / this.#hosts.size)));
  }

  #scheduleConnect(delayMs: number): void {
    if (this.#closed || this.#conn !== undefined || this.#reconnectTimer !== undefined) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect();
    }, delayMs);
  }

  #connect(): void {
    if (this.#closed || this.#conn !== undefined) return;
    if (this.state === 'lost' && !this.#opts.renewSessionOnExpiry) return;
    let host = this.#preferredHost;
    this.#preferredHost = undefined;
    host ??= this.#hosts.next();
    const sessionId = this.#sessionFromReadOnly ? 0n : this.#sessionId;
    const connectTimeoutMs = this.#connectTimeoutMs();
    this.#logger.info('connecting', { host: formatHost(host), sessionId: hex(sessionId), connectTimeoutMs });
    this.#conn = new Connection(
      {
        host,
        transport: this.#transport,
        connectTimeoutMs,
        connectRequest: {
          protocolVersion: 0,
          lastZxidSeen: this.#lastZxid,
          timeOut: this.#opts.sessionTimeoutMs,
          sessionId,
          passwd: sessionId === 0n ? EMPTY_PASSWORD : this.#password,
          readOnly: this.#opts.canBeReadOnly,
        },
        stats: this.#stats,
        logger: this.#logger,
      },
      this.#owner,
    );
  }

  #onHandshake(conn: Connection, res: ConnectResponse): void {
    if (conn !== this.#conn) {
      conn.close();
      return;
    }
    if (res.timeOut <= 0) {
      this.#logger.warn('server reports the session expired', {
        host: formatHost(conn.host),
        sessionId: hex(this.#sessionId),
      });
      this.#conn = undefined;
      this.#requests.failAll(conn.close(), (p) => new SessionExpiredError({ path: pathOf(p.req) }));
      this.#sessionLost('expired');
      return;
    }
    if (conn.requestedSessionId !== 0n && res.sessionId !== conn.requestedSessionId) {
      // The server gave us a different session without saying ours expired: ours is gone all
      // the same (ephemerals, watches), so say so before going on with the new one.
      this.#logger.warn('server replaced the session', {
        requested: hex(conn.requestedSessionId),
        got: hex(res.sessionId),
      });
      this.#sessionId = 0n;
      this.#requests.failQueued((p) => new SessionExpiredError({ path: pathOf(p.req) }));
      this.#watches.clearAll('session-lost');
      this.#setState('lost');
      if (this.#closed || conn !== this.#conn) return;
    }
    const prevSession = this.#sessionId;
    this.#sessionId = res.sessionId;
    this.#password = Buffer.from(res.passwd);
    this.#negotiatedTimeoutMs = res.timeOut;
    this.#sessionFromReadOnly = res.readOnly && (prevSession === 0n || this.#sessionFromReadOnly);
    this.#clearLostTimer();
    conn.startPings(res.timeOut);
    if (this.#handshakes++ > 0) this.#stats.reconnects++;
    this.#logger.info('session established', {
      host: formatHost(conn.host),
      sessionId: hex(res.sessionId),
      negotiatedTimeoutMs: res.timeOut,
      readOnly: res.readOnly,
      sameSession: prevSession === res.sessionId,
    });
    this.#prime(conn);
    let next: SessionState;
    if (res.readOnly) next = 'read-only';
    else if (!this.#initialConnectSent) {
      this.#initialConnectSent = true;
      next = 'connected';
    } else next = 'reconnected';
    if (res.readOnly) this.#startRwProbe(conn.host);
    else this.#stopRwProbe();
    this.#setState(next);
  }

  /** Auth, then SetWatches batches, then every queued request: in this order, on this connection. */
  #prime(conn: Connection): void {
    for (const a of this.#auth) {
      const p = this.#requests.internal({ op: 'auth', type: 0, scheme: a.scheme, auth: a.auth }, (err) => {
        if (err instanceof AuthFailedError) this.#fatal(err);
      });
      this.#requests.send(conn, p);
    }
    const wm = this.#watches;
    if (wm.size > 0) {
      const batches = buildSetWatches(this.#lastZxid, {
        data: wm.paths('data'),
        exist: wm.paths('exist'),
        child: wm.paths('child'),
        persistent: wm.paths('persistent'),
        persistentRecursive: wm.paths('persistent-recursive'),
      });
      for (const req of batches) {
        const p = this.#requests.internal(req, (err) => {
          this.#logger.warn('setWatches failed', { err });
        });
        p.xid = -8;
        this.#requests.send(conn, p);
      }
    }
    for (const p of this.#requests.takeQueued()) this.#requests.send(conn, p);
  }

  #onConnectionClosed(conn: Connection, reason: Error, unanswered: Packet[]): void {
    const established = conn.openedAt > 0;
    this.#requests.failAll(
      unanswered,
      (p) => new ConnectionLossError({ path: pathOf(p.req), cause: reason }),
    );
    if (conn !== this.#conn || this.#closed) return;
    this.#conn = undefined;
    const host = formatHost(conn.host);
    if (!established) {
      this.#logger.warn('connection attempt failed', { host, reason: reason.message });
      this.#retryAfterFailure();
      return;
    }
    this.#logger.warn('connection lost', { host, sessionId: hex(this.#sessionId), reason: reason.message });
    this.#requests.failQueued((p) => new ConnectionLossError({ path: pathOf(p.req), cause: reason }));
    this.#stopRwProbe();
    this.#startLostTimer();
    const stableMs = Math.min(10_000, Math.max(1_000, Math.floor(this.#negotiatedTimeoutMs / 2)));
    const stable = performance.now() - conn.openedAt >= stableMs;
    if (this.state !== 'lost') this.#setState('suspended');
    if (stable) {
      this.#backoff.reset();
      this.#scheduleConnect(0);
    } else this.#retryAfterFailure();
  }

  /** Counts a failure; tries the next host at once until every host failed, then backs off. */
  #retryAfterFailure(): void {
    if (this.#closed) return;
    const delay = this.#backoff.failed(performance.now());
    if (delay === null) {
      this.#fatal(
        new ConnectionLossError({
          message: `Gave up connecting after ${this.#backoff.failures} failed attempts (retry policy exhausted)`,
        }),
      );
      return;
    }
    if (delay === 0) {
      this.#scheduleConnect(0);
      return;
    }
    // While the session may still be re-attached, never sleep through most of its timeout.
    const capped =
      this.#sessionId === 0n ? delay : Math.min(delay, Math.max(100, this.#negotiatedTimeoutMs / 4));
    this.#logger.info('backing off before reconnecting', {
      delayMs: capped,
      failures: this.#backoff.failures,
    });
    this.#scheduleConnect(capped);
  }

  #startLostTimer(): void {
    if (this.#lostTimer !== undefined || this.#sessionId === 0n) return;
    const timeoutMs = this.#negotiatedTimeoutMs;
    this.#lostTimer = setTimeout(() => {
      this.#lostTimer = undefined;
      if (this.#conn?.phase === 'open' || this.#closed) return;
      this.#logger.warn('no server reached within the session timeout; treating the session as lost', {
        sessionId: hex(this.#sessionId),
        timeoutMs,
      });
      const attempt = this.#conn;
      this.#conn = undefined;
      if (attempt)
        this.#requests.failAll(attempt.close(), (p) => new SessionExpiredError({ path: pathOf(p.req) }));
      this.#sessionLost('timeout');
    }, timeoutMs);
  }

  #clearLostTimer(): void {
    clearTimeout(this.#lostTimer);
    this.#lostTimer = undefined;
  }

  /** The session is gone: fail what waited for it, tell every watch, then renew (or not). */
  #sessionLost(why: 'expired' | 'timeout'): void {
    this.#clearLostTimer();
    this.#stopRwProbe();
    this.#sessionId = 0n;
    this.#password = EMPTY_PASSWORD;
    this.#requests.failQueued((p) => new SessionExpiredError({ path: pathOf(p.req) }));
    this.#watches.clearAll('session-lost');
    this.#logger.warn('session lost', { why, renew: this.#opts.renewSessionOnExpiry });
    this.#setState('lost');
    if (this.#closed) return;
    if (this.#opts.renewSessionOnExpiry) {
      this.#backoff.reset();
      this.#scheduleConnect(0);
    } else {
      this.#waiters.rejectAll(new SessionExpiredError());
    }
  }

  // ---------------------------------------------------------------- read-only mode

  #startRwProbe(current: HostPort): void {
    this.#rwSeeker ??= new ReadWriteSeeker({
      hosts: this.#hosts.hosts,
      initialDelayMs: this.#opts.rwProbeIntervalMs ?? 100,
      probeTimeoutMs: Math.min(1_000, this.#opts.connectTimeoutMs),
      onFound: (host) => this.#moveToReadWrite(host),
    });
    this.#rwSeeker.start(current);
  }

  #stopRwProbe(): void {
    this.#rwSeeker?.stop();
  }

  #moveToReadWrite(host: HostPort): void {
    if (this.#closed || this.state !== 'read-only') return;
    this.#logger.info('found a read/write server; leaving the read-only one', { host: formatHost(host) });
    this.#preferredHost = host;
    const conn = this.#conn;
    if (conn) {
      this.#conn = undefined;
      this.#requests.failAll(conn.close(), (p) => new ConnectionLossError({ path: pathOf(p.req) }));
      this.#requests.failQueued((p) => new ConnectionLossError({ path: pathOf(p.req) }));
      this.#setState('suspended');
      this.#startLostTimer();
    }
    this.#scheduleConnect(0);
  }

  // ---------------------------------------------------------------- state and closing

  #setState(next: SessionState): void {
    const changed = this.#state.set(next, (err) => this.#logger.error('state listener threw', { err }));
    if (changed) this.#logger.info('session state', { state: next, sessionId: hex(this.#sessionId) });
    if (isConnectedState(next)) this.#waiters.resolveAll();
  }

  #closedError(): Error {
    return new ClientClosedError(undefined, this.#closeReason ? { cause: this.#closeReason } : undefined);
  }

  #stopTimers(): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#clearLostTimer();
    this.#stopRwProbe();
  }

  /** Unrecoverable: auth rejected or the retry policy gave up. */
  #fatal(err: Error): void {
    if (this.#closed) return;
    this.#logger.error('closing the client', { reason: err.message });
    this.#closed = true;
    this.#closeReason = err;
    this.#closePromise = Promise.resolve();
    this.#stopTimers();
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn) this.#requests.failAll(conn.close(), () => err);
    this.#requests.failQueued(() => err);
    this.#watches.clearAll('closed');
    this.#setState('closed');
    this.#waiters.rejectAll(err);
  }

  async #doClose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopTimers();
    const conn = this.#conn;
    if (conn !== undefined && conn.phase === 'open' && this.#sessionId !== 0n) {
      const waitMs = Math.min(2_000, Math.max(200, Math.floor(this.#negotiatedTimeoutMs / 3)));
      await new Promise<void>((resolve) => {
        const p = this.#requests.internal(
          { op: 'closeSession' },
          () => resolve(),
          () => resolve(),
        );
        p.timer = setTimeout(() => this.#requests.reject(p, new RequestTimeoutError()), waitMs);
        this.#requests.send(conn, p);
      });
      this.#logger.info('session closed', { sessionId: hex(this.#sessionId) });
    }
    this.#conn = undefined;
    if (conn) this.#requests.failAll(conn.close(), () => new ClientClosedError());
    this.#requests.failQueued(() => new ClientClosedError());
    this.#watches.clearAll('closed');
    this.#sessionId = 0n;
    this.#password = EMPTY_PASSWORD;
    this.#setState('closed');
    this.#waiters.rejectAll(new ClientClosedError());
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
