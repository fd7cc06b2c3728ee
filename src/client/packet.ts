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
  timer?: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(res: Response): void;
  reject(err: unknown): void;
}
