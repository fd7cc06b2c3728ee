/**
 * One request on its way through the engine: queued, written, then completed by its reply
 * (or failed by a disconnect, a timeout, an abort or close()).
 *
 * @module
 */
import type { Request, Response } from '../protocol/index.js';
import type { WatchRegistration } from './watch-manager.js';

/**
 * The engine's record of one request.
 *
 * @example
 * ```ts
 * const p: Packet = { xid: 0, req: { op: 'sync', path: '/' }, done: false, sent: false, resolve, reject };
 * ```
 */
export interface Packet {
  /** Assigned when written; 0 while queued. Special xids: -4 auth, -8 setWatches. */
  xid: number;
  readonly req: Request;
  /** Set once the promise is settled (reply, timeout, abort); a late reply is then discarded. */
  done: boolean;
  /** Set once written to a connection. */
  sent: boolean;
  /** Internal packets (auth replay, setWatches) are not counted in stats and have no caller. */
  internal?: boolean;
  watch?: WatchRegistration;
  /** Its own timeout timer (a timeout other than the client's requestTimeoutMs). */
  timer?: NodeJS.Timeout;
  /** performance.now() by which it must settle, when a DeadlineQueue times it. */
  deadline?: number;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(res: Response): void;
  reject(err: unknown): void;
}

/**
 * A packet with every field present from the start: one object shape for all packets, so the
 * hot paths that read them stay monomorphic and no field added later costs a reallocation.
 *
 * @example
 * ```ts
 * const p = newPacket({ op: 'sync', path: '/' }, resolve, reject);
 * ```
 */
export function newPacket(
  req: Request,
  resolve: (res: Response) => void,
  reject: (err: unknown) => void,
  internal = false,
): Packet {
  return {
    xid: 0,
    req,
    done: false,
    sent: false,
    internal,
    watch: undefined,
    timer: undefined,
    deadline: undefined,
    signal: undefined,
    onAbort: undefined,
    resolve,
    reject,
  };
}
