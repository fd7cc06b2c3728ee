/**
 * One connection to one server: transport, ConnectRequest handshake, framing, the FIFO of
 * requests awaiting replies (strict xid matching), pings and the read timeout. Everything here
 * lives and dies with one socket; a new connection starts with fresh framing state.
 *
 * @module
 */
import {
  type ConnectRequest,
  type ConnectResponse,
  decodeConnectResponse,
  decodeReplyHeader,
  decodeWatcherEvent,
  encodeConnectRequest,
  encodeRequest,
  FrameDecoder,
  JuteReader,
  ProtocolError,
  type ReplyHeader,
  type WatcherEvent,
} from '../protocol/index.js';
import type { StatsCounter } from './client-stats.js';
import { formatHost, type HostPort } from './host-provider.js';
import type { Logger } from './logger.js';
import type { Packet } from './packet.js';
import type { Transport, TransportFactory } from './transport.js';

/** What a connection reports to the session engine. */
export interface ConnectionOwner {
  /** The server answered the ConnectRequest. */
  onHandshake(conn: Connection, res: ConnectResponse): void;
  /** A reply for `packet` (header already read; `r` is positioned at the body). */
  onReply(packet: Packet, header: ReplyHeader, r: JuteReader): void;
  /** A watch notification. `zxid` is -1 before 3.9. */
  onNotification(event: WatcherEvent, zxid: bigint): void;
  /** Any frame carried this zxid (> 0). */
  onZxid(zxid: bigint): void;
  /**
   * The connection failed or ended by itself (not through {@link Connection.close}). `unanswered`
   * holds every packet written and not answered, in write order.
   */
  onClosed(conn: Connection, reason: Error, unanswered: Packet[]): void;
}

/** Settings of one connection attempt. */
export interface ConnectionSettings {
  host: HostPort;
  transport: TransportFactory;
  /** Covers TCP connect, TLS and the ConnectRequest/Response exchange. */
  connectTimeoutMs: number;
  connectRequest: ConnectRequest;
  stats: StatsCounter;
  logger: Logger;
  maxFrameBytes?: number;
}

/** Java's MAX_SEND_PING_INTERVAL: ping at least this often when idle. */
const MAX_PING_INTERVAL_MS = 10_000;

const PING_FRAME = encodeRequest(-2, { op: 'ping' });

/** Connection lifecycle: TCP/TLS connect, waiting for ConnectResponse, open, closed. */
export type ConnectionPhase = 'connecting' | 'handshake' | 'open' | 'closed';

/**
 * Pipelining: while at least this many requests are unanswered, new requests are held back
 * until they are half as many as the unanswered ones (see `#flush`).
 */
const HOLD_WHEN_UNANSWERED = 64;

/**
 * Read coalescing: while at least {@link HOLD_WHEN_UNANSWERED} requests are unanswered, a read
 * is followed by this long without reading (see `#coalesce`).
 */
const COALESCE_MS = 1;

/** A read at least this large already carries many replies: no pause after it. */
const COALESCE_MAX_READ_BYTES = 16 * 1024;

/** Reads without coalescing after a pause during which the server nearly ran out of work. */
const COALESCE_BACKOFF_READS = 256;

/**
 * A single socket's worth of protocol state. Created by the engine for every attempt.
 *
 * @example
 * ```ts
 * const conn = new Connection(settings, owner);   // connects at once
 * // owner.onHandshake(conn, res) -> conn.startPings(res.timeOut); conn.send(packet) ...
 * ```
 */
export class Connection {
  readonly host: HostPort;
  /** The session id this connection asked for (0n for a new session). */
  readonly requestedSessionId: bigint;
  readonly #settings: ConnectionSettings;
  readonly #owner: ConnectionOwner;
  #transport: Transport | undefined;
  readonly #decoder: FrameDecoder;
  #phase: ConnectionPhase = 'connecting';
  /** Written packets awaiting replies, FIFO (head index to avoid O(n) shift). */
  #pending: Packet[] = [];
  #head = 0;
  /** Auth packets (xid -4) are answered out of band, FIFO among themselves. */
  #authPending: Packet[] = [];
  #out: Buffer[] = [];
  #flushScheduled = false;
  #connectTimer: NodeJS.Timeout | undefined;
  #tickTimer: NodeJS.Timeout | undefined;
  #readTimeoutMs = 0;
  /** Reads so far (for the coalescing backoff). */
  #reads = 0;
  /** Coalescing is off until #reads reaches this. */
  #coalesceOffUntil = 0;
  /** Requests unanswered when reading paused, or -1 while reading. */
  #pausedWith = -1;
  #resumeTimer: NodeJS.Timeout | undefined;
  #pingIntervalMs = 0;
  #lastRecv = 0;
  #lastSend = 0;
  /** performance.now() when the handshake completed, or 0. */
  openedAt = 0;

  constructor(settings: ConnectionSettings, owner: ConnectionOwner) {
    this.host = settings.host;
    this.requestedSessionId = settings.connectRequest.sessionId;
    this.#settings = settings;
    this.#owner = owner;
    this.#decoder = new FrameDecoder(
      settings.maxFrameBytes === undefined ? undefined : { maxFrameBytes: settings.maxFrameBytes },
    );
    this.#connectTimer = setTimeout(() => {
      this.#fail(
        new Error(`connect timeout after ${settings.connectTimeoutMs} ms to ${formatHost(this.host)}`),
      );
    }, settings.connectTimeoutMs);
    const transport = settings.transport(settings.host, {
      onConnect: () => this.#onConnect(),
      onData: (chunk) => this.#onData(chunk),
      onClose: (err) => this.#onTransportClose(err),
    });
    if (this.#phase === 'closed') transport.destroy();
    else this.#transport = transport;
  }

  /** Where this connection is in its lifecycle. */
  get phase(): ConnectionPhase {
    return this.#phase;
  }

  /** Requests written to the socket (not merely queued in this tick's batch) and not answered. */
  get #unanswered(): number {
    return this.#pending.length - this.#head - this.#out.length;
  }

  /** Packets written and not yet answered. */
  get inFlight(): number {
    return this.#pending.length - this.#head + this.#authPending.length;
  }

  /**
   * Arms the read timeout (2/3 of the negotiated session timeout) and idle pings (every half
   * read timeout, at most 10 s).
   */
  startPings(negotiatedTimeoutMs: number): void {
    this.#readTimeoutMs = Math.max(1, Math.floor((negotiatedTimeoutMs * 2) / 3));
    this.#pingIntervalMs = Math.max(1, Math.min(Math.floor(this.#readTimeoutMs / 2), MAX_PING_INTERVAL_MS));
    this.#scheduleTick();
  }

  /** Writes `packet` (its xid already assigned) in this tick's batch and awaits its reply. */
  send(packet: Packet): void {
    if (this.#phase !== 'open') throw new Error(`cannot send on a ${this.#phase} connection`);
    const frame = encodeRequest(packet.xid, packet.req);
    packet.sent = true;
    if (packet.xid === -4) this.#authPending.push(packet);
    else this.#pending.push(packet);
    this.#write(frame);
  }

  /**
   * Closes the socket now. No callback follows; the caller gets every unanswered packet.
   * Idempotent (later calls return an empty list).
   */
  close(): Packet[] {
    if (this.#phase === 'closed') return [];
    this.#phase = 'closed';
    this.#clearTimers();
    this.#flushNow();
    this.#transport?.destroy();
    return this.#drainPending();
  }

  #onConnect(): void {
    if (this.#phase !== 'connecting') return;
    this.#phase = 'handshake';
    this.#lastRecv = performance.now();
    this.#write(encodeConnectRequest(this.#settings.connectRequest));
    this.#flushNow();
  }

  #onData(chunk: Buffer): void {
    if (this.#phase === 'closed') return;
    this.#settings.stats.bytesIn += chunk.length;
    this.#lastRecv = performance.now();
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      if (this.phase === 'closed') return;
      try {
        this.#onFrame(frames[i]!);
      } catch (err) {
        this.#fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    if (this.#out.length > 0) this.#scheduleFlush(); // requests held back while the pipeline was deep
    this.#coalesce(chunk.length, frames.length);
  }

  /**
   * Under a deep pipeline, stops reading for {@link COALESCE_MS} after a read. The server goes on
   * answering the requests it has queued meanwhile (it has many: at least
   * {@link HOLD_WHEN_UNANSWERED}), and the next read takes all those replies at once. A server
   * answers a few replies per write, so without this the client wakes up for every few replies,
   * and those wake-ups (epoll, read, timers, microtask queue), not the replies, were most of its
   * CPU: this halved the client CPU per pipelined getData against a local ensemble, at the same
   * throughput. Latency under such a pipeline is queueing anyway (256 requests in flight wait
   * about 10 ms); a shallow pipeline (an ordinary client) is never paused. When a pause let the
   * server answer half or more of what it had, the pause risks leaving it idle, so coalescing
   * stays off for the next {@link COALESCE_BACKOFF_READS} reads. Large reads are not followed
   * by a pause (they carry many replies already, and must not fill the socket buffer).
   */
  #coalesce(bytes: number, replies: number): void {
    const transport = this.#transport;
    if (transport?.pauseReading === undefined || this.#phase !== 'open') return;
    this.#reads++;
    if (this.#pausedWith >= 0) {
      if (replies * 2 >= this.#pausedWith) this.#coalesceOffUntil = this.#reads + COALESCE_BACKOFF_READS;
      this.#pausedWith = -1;
    }
    const unanswered = this.#unanswered;
    if (
      unanswered < HOLD_WHEN_UNANSWERED ||
      bytes >= COALESCE_MAX_READ_BYTES ||
      this.#reads < this.#coalesceOffUntil ||
      this.#resumeTimer !== undefined
    ) {
      return;
    }
    this.#pausedWith = unanswered;
    transport.pauseReading();
    this.#resumeTimer = setTimeout(this.#resumeReading, COALESCE_MS);
  }

  readonly #resumeReading = (): void => {
    this.#resumeTimer = undefined;
    if (this.#phase !== 'closed') this.#transport?.resumeReading?.();
  };

  #onFrame(frame: Buffer): void {
    if (this.#phase === 'handshake') {
      if (frame.length === 16) {
        // A bare ReplyHeader instead of a ConnectResponse: the server refused to create the
        // session (a read-only server answers NOTREADONLY unless localSessionsEnabled=true).
        const refused = decodeReplyHeader(new JuteReader(frame));
        throw new Error(`server refused the session (error code ${refused.err})`);
      }
      const res = decodeConnectResponse(frame);
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#phase = 'open';
      this.openedAt = performance.now();
      this.#owner.onHandshake(this, res);
      return;
    }
    const r = new JuteReader(frame);
    const header = decodeReplyHeader(r);
    if (header.zxid > 0n) this.#owner.onZxid(header.zxid);
    const xid = header.xid;
    if (xid === -2) return;
    if (xid === -1) {
      this.#owner.onNotification(decodeWatcherEvent(r), header.zxid);
      return;
    }
    if (xid === -4) {
      const auth = this.#authPending.shift();
      if (auth) this.#owner.onReply(auth, header, r);
      return;
    }
    const packet = this.#pending[this.#head];
    if (packet === undefined || packet.xid !== xid) {
      throw new ProtocolError(
        `xid mismatch: got reply xid ${xid}, expected ${packet === undefined ? 'none' : packet.xid}`,
      );
    }
    this.#pending[this.#head] = undefined as unknown as Packet;
    this.#head++;
    if (this.#head === this.#pending.length) {
      this.#pending = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
    this.#owner.onReply(packet, header, r);
  }

  #write(frame: Buffer): void {
    this.#out.push(frame);
    this.#scheduleFlush();
  }

  /** Flushes this tick's batch once the current tick's work is done (at most one pending). */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(this.#flush);
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    // A deep pipeline (many requests unanswered) is written in batches, not a few requests per
    // reply: the server has work queued either way (it answers one session in order, so a held
    // request finishes no later), and both ends then pay for one read and one write per batch.
    // This cut client CPU per pipelined getData by about a fifth. Replies re-check (#onData).
    const queued = this.#out.length;
    const unanswered = this.#unanswered;
    if (unanswered >= HOLD_WHEN_UNANSWERED && queued * 2 < unanswered) return;
    this.#flushNow();
  };

  #flushNow(): void {
    const out = this.#out;
    if (out.length === 0) return;
    this.#out = [];
    let n = 0;
    for (const b of out) n += b.length;
    this.#settings.stats.bytesOut += n;
    this.#lastSend = performance.now();
    this.#transport?.write(out);
  }

  #scheduleTick(): void {
    if (this.#phase !== 'open') return;
    const now = performance.now();
    const due = Math.min(this.#lastRecv + this.#readTimeoutMs, this.#lastSend + this.#pingIntervalMs);
    this.#tickTimer = setTimeout(this.#tick, Math.max(1, Math.ceil(due - now)));
    this.#tickTimer.unref?.();
  }

  readonly #tick = (): void => {
    this.#tickTimer = undefined;
    if (this.#phase !== 'open') return;
    const now = performance.now();
    if (now - this.#lastRecv >= this.#readTimeoutMs) {
      this.#fail(
        new Error(
          `read timeout: nothing heard from ${formatHost(this.host)} for ${Math.round(now - this.#lastRecv)} ms`,
        ),
      );
      return;
    }
    if (now - this.#lastSend >= this.#pingIntervalMs) {
      this.#settings.stats.pings++;
      this.#write(PING_FRAME);
      this.#flushNow();
    }
    this.#scheduleTick();
  };

  #onTransportClose(err?: Error): void {
    if (this.#phase === 'closed') return;
    this.#fail(err ?? new Error(`connection to ${formatHost(this.host)} closed by the server`));
  }

  /** Internal failure: close and report to the owner. */
  #fail(reason: Error): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#clearTimers();
    this.#out = [];
    this.#transport?.destroy();
    this.#owner.onClosed(this, reason, this.#drainPending());
  }

  #drainPending(): Packet[] {
    const left = this.#pending.slice(this.#head);
    const auth = this.#authPending;
    this.#pending = [];
    this.#head = 0;
    this.#authPending = [];
    return auth.length === 0 ? left : [...auth, ...left];
  }

  #clearTimers(): void {
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#tickTimer);
    clearTimeout(this.#resumeTimer);
    this.#connectTimer = undefined;
    this.#tickTimer = undefined;
    this.#resumeTimer = undefined;
  }
}
