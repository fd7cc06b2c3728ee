/**
 * The session engine's connection attempts: where the next one goes (a read/write server found
 * by the read-only probe, otherwise the next host in rotation), what it asks for (the
 * ConnectRequest of the current session, bounded by a connect timeout short enough for every
 * host to get a try within the session timeout), when (at once while some host of the current
 * round is untried, then after the retry policy's delay), and until when the old session may
 * still be re-attached (the session deadline). One attempt is scheduled at a time.
 *
 * Read-only probe: while connected to a read-only server, the other hosts are asked the `isro`
 * four-letter word in rounds (100 ms, doubling up to 60 s; needs `isro` in
 * `4lw.commands.whitelist`, plain TCP only); the first that answers `rw` is reported to the
 * engine, which moves there.
 *
 * @module
 */
import type { StatsCounter } from './client-stats.js';
import type { ConnectionSettings } from './connection.js';
import { type CurrentSession, hex } from './current-session.js';
import type { EngineOptions } from './engine-options.js';
import { formatHost, type HostPort, HostProvider } from './host-provider.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { ReadWriteSeeker } from './rw-probe.js';
import { netTransport, type TransportFactory } from './transport.js';

/** The engine callbacks of {@link ConnectionAttempts}. */
export interface ConnectionAttemptsHooks {
  stats: StatsCounter;
  /** A scheduled attempt is due. */
  onDue(): void;
  /** The read-only probe found a server that serves read/write. */
  onReadWriteFound(host: HostPort): void;
  /** The session deadline passed (after `timeoutMs`) without being cleared. */
  onSessionDeadline(timeoutMs: number): void;
}

/**
 * Host choice, backoff, the read-only probe, and the timers of the next connection attempt and
 * of the session deadline.
 *
 * @example
 * ```ts
 * const attempts = new ConnectionAttempts(opts, { stats, onDue: connect, onReadWriteFound: moveTo });
 * const conn = new Connection(attempts.next(session, lastZxid), owner);
 * ```
 */
export class ConnectionAttempts {
  readonly #opts: EngineOptions;
  readonly #hosts: HostProvider;
  readonly #transport: TransportFactory;
  readonly #stats: StatsCounter;
  readonly #backoff: ReconnectBackoff;
  readonly #rwSeeker: ReadWriteSeeker;
  readonly #onDue: () => void;
  readonly #onSessionDeadline: (timeoutMs: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #preferred: HostPort | undefined;

  constructor(opts: EngineOptions, hooks: ConnectionAttemptsHooks) {
    this.#opts = opts;
    this.#hosts = new HostProvider(opts.hosts, { shuffle: opts.shuffleHosts ?? true });
    this.#backoff = new ReconnectBackoff(opts.retryPolicy, this.#hosts.size);
    this.#transport =
      opts.transport ?? netTransport(opts.tls, { readCoalescing: opts.readCoalescing ?? true });
    this.#stats = hooks.stats;
    this.#onDue = hooks.onDue;
    this.#onSessionDeadline = hooks.onSessionDeadline;
    this.#rwSeeker = new ReadWriteSeeker({
      hosts: this.#hosts.hosts,
      initialDelayMs: opts.rwProbeIntervalMs ?? 100,
      probeTimeoutMs: Math.min(1_000, opts.connectTimeoutMs),
      onFound: hooks.onReadWriteFound,
    });
  }

  /** Failed attempts since the last reset. */
  get failures(): number {
    return this.#backoff.failures;
  }

  /**
   * The settings of the next attempt (logged): the preferred host once, else the next in
   * rotation; the session's ConnectRequest; the bounded connect timeout.
   */
  next(session: CurrentSession, lastZxid: bigint): ConnectionSettings {
    const { sessionTimeoutMs, connectTimeoutMs: maxMs, canBeReadOnly, logger } = this.#opts;
    const host = this.#preferred ?? this.#hosts.next();
    this.#preferred = undefined;
    const connectRequest = session.connectRequest(lastZxid, sessionTimeoutMs, canBeReadOnly);
    const connectTimeoutMs = session.attemptTimeoutMs(maxMs, sessionTimeoutMs, this.#hosts.size);
    const sessionId = hex(connectRequest.sessionId);
    logger.info('connecting', { host: formatHost(host), sessionId, connectTimeoutMs });
    return { host, transport: this.#transport, connectTimeoutMs, connectRequest, stats: this.#stats, logger };
  }

  /** Makes `host` the target of the next attempt (a read/write server found while read-only). */
  preferNext(host: HostPort): void {
    this.#preferred = host;
  }

  /** Calls `onDue` after `delayMs`, unless an attempt is already scheduled. */
  schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onDue();
    }, delayMs);
  }

  /** Forgets past failures (the last connection was stable, or a new session starts). */
  reset(): void {
    this.#backoff.reset();
  }

  /**
   * Counts a failed attempt.
   * @param capMs the longest delay the engine accepts now
   * @returns 0 while some host of the round is untried, then the policy's delay (at most
   *   `capMs`, logged); null when the policy gives up
   */
  delayAfterFailure(capMs: number): number | null {
    const delay = this.#backoff.failed(performance.now());
    if (delay === null || delay === 0) return delay;
    const capped = Math.min(delay, capMs);
    this.#opts.logger.info('backing off before reconnecting', {
      delayMs: capped,
      failures: this.#backoff.failures,
    });
    return capped;
  }

  /** Connected to a read-only server: probe the other hosts until one serves read/write. */
  probeForReadWrite(current: HostPort): void {
    this.#rwSeeker.start(current);
  }

  /** Stops the read-only probe. */
  stopProbing(): void {
    this.#rwSeeker.stop();
  }

  /**
   * The session may still be re-attached, but only within its timeout: calls `onSessionDeadline`
   * after `session.negotiatedTimeoutMs` unless cleared first (Curator's simulated expiry). No-op
   * without a session or while a deadline is pending.
   */
  startSessionDeadline(session: CurrentSession): void {
    if (this.#deadline !== undefined || session.id === 0n) return;
    const timeoutMs = session.negotiatedTimeoutMs;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      this.#onSessionDeadline(timeoutMs);
    }, timeoutMs);
  }

  /** The session was re-attached, replaced or lost: no deadline any more. */
  clearSessionDeadline(): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  /** Stops every timer: the scheduled attempt, the session deadline and the probe (closing). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.clearSessionDeadline();
    this.#rwSeeker.stop();
  }
}
