/**
 * The life of every request the engine handles: its promise, per-request timeout and
 * AbortSignal, xid assignment, the queue of requests waiting for a connection, and the
 * guarantee that each one settles exactly once (a late reply to a settled request is dropped).
 *
 * @module
 */
import type { Request, Response } from '../protocol/index.js';
import type { StatsCounter } from './client-stats.js';
import type { Connection } from './connection.js';
import { InvalidArgumentError, RequestTimeoutError } from './errors.js';
import { DeadlineQueue } from './deadline-queue.js';
import { newPacket, type Packet } from './packet.js';
import type { WatchRegistration } from './watch-manager.js';

/** The path a request is about, for error messages. */
export function pathOf(req: Request): string | undefined {
  return 'path' in req ? req.path : undefined;
}

/**
 * Book-keeping of requests for one engine.
 *
 * @example
 * ```ts
 * const book = new PendingRequests(stats);
 * const res = book.open(req, { timeoutMs: 1_000 }, (p) => book.enqueue(p));
 * ```
 */
export class PendingRequests {
  readonly #stats: StatsCounter;
  #queue: Packet[] = [];
  /** Queued packets already settled (timed out, aborted): compacted lazily. */
  #queueSettled = 0;
  #xid = 1;
  /** Times the requests that use the client's default timeout (most of them) with one timer. */
  readonly #deadlines: DeadlineQueue | undefined;

  /** @param defaultTimeoutMs the client's requestTimeoutMs (0 = none) */
  constructor(stats: StatsCounter, defaultTimeoutMs = 0) {
    this.#stats = stats;
    if (defaultTimeoutMs > 0) {
      this.#deadlines = new DeadlineQueue(defaultTimeoutMs, (p) => this.#onTimeout(p, defaultTimeoutMs));
    }
  }

  /**
   * Creates the packet of a user request (timeout and abort armed, counted in stats) and hands
   * it to `dispatch`, which sends or queues it.
   */
  open(
    req: Request,
    opts: { timeoutMs: number; signal?: AbortSignal; watch?: WatchRegistration },
    dispatch: (p: Packet) => void,
  ): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const p = newPacket(req, resolve, reject);
      if (opts.watch) p.watch = opts.watch;
      if (opts.timeoutMs > 0) {
        if (opts.timeoutMs === this.#deadlines?.timeoutMs) this.#deadlines.add(p);
        else p.timer = setTimeout(this.#onTimeout, opts.timeoutMs, p, opts.timeoutMs);
      }
      const signal = opts.signal;
      if (signal) {
        p.signal = signal;
        p.onAbort = () => this.reject(p, signal.reason);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.#stats.requests++;
      dispatch(p);
    });
  }

  /** An engine-internal packet (auth replay, setWatches, closeSession): no stats, no caller. */
  internal(
    req: Request,
    onError: (err: unknown) => void,
    onDone: (res: Response) => void = () => {},
  ): Packet {
    return newPacket(req, onDone, onError, true);
  }

  /** Assigns an xid (auth: -4) and writes `p` on `conn`; an unencodable request fails alone. */
  send(conn: Connection, p: Packet): void {
    if (p.xid === 0) {
      if (p.req.op === 'auth') p.xid = -4;
      else {
        p.xid = this.#xid;
        this.#xid = this.#xid >= 0x7fffffff ? 1 : this.#xid + 1;
      }
    }
    try {
      conn.send(p);
    } catch (err) {
      this.reject(p, err instanceof Error ? err : new InvalidArgumentError(String(err)));
    }
  }

  /** Parks `p` until a connection is ready. */
  enqueue(p: Packet): void {
    this.#queue.push(p);
  }

  /** Every queued packet still unsettled, in order; the queue is emptied. */
  takeQueued(): Packet[] {
    const q = this.#queue;
    this.#queue = [];
    this.#queueSettled = 0;
    return q.filter((p) => !p.done);
  }

  resolve(p: Packet, res: Response): void {
    if (this.#settle(p)) p.resolve(res);
  }

  reject(p: Packet, err: unknown): void {
    if (!this.#settle(p)) return;
    if (!p.sent && ++this.#queueSettled > 64 && this.#queueSettled * 2 > this.#queue.length) {
      this.#queue = this.#queue.filter((q) => !q.done);
      this.#queueSettled = 0;
    }
    if (!p.internal) this.#stats.errors++;
    p.reject(err);
  }

  /** Rejects every unsettled packet of `packets`. */
  failAll(packets: readonly Packet[], makeError: (p: Packet) => unknown): void {
    for (const p of packets) if (!p.done) this.reject(p, makeError(p));
  }

  /** Rejects and drops every queued packet. */
  failQueued(makeError: (p: Packet) => unknown): void {
    this.failAll(this.takeQueued(), makeError);
  }

  #settle(p: Packet): boolean {
    if (p.done) return false;
    p.done = true;
    if (p.timer !== undefined) clearTimeout(p.timer);
    else if (p.deadline !== undefined) this.#deadlines?.settled();
    if (p.onAbort !== undefined) p.signal?.removeEventListener('abort', p.onAbort);
    return true;
  }

  readonly #onTimeout = (p: Packet, timeoutMs: number): void => {
    p.timer = undefined;
    this.reject(
      p,
      new RequestTimeoutError({
        path: pathOf(p.req),
        message: `No reply to ${p.req.op} within ${timeoutMs} ms`,
      }),
    );
  };
}
