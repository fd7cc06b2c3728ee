/**
 * What the session engine does with each frame a server sends for a request or a watch: a reply
 * settles its request (the typed server error, a decode failure, or the decoded response) and
 * arms the request's watch when the read succeeded; a notification goes to the watch tables.
 * Credentials added with a successful `auth` request are remembered here for the next handshake.
 *
 * @module
 */
import {
  decodeResponse,
  type JuteReader,
  type ReplyHeader,
  type Response,
  type WatcherEvent,
} from '../protocol/index.js';
import type { StatsCounter } from './client-stats.js';
import { AuthFailedError, errorFromCode, MarshallingError } from './errors.js';
import type { Logger } from './logger.js';
import type { Packet } from './packet.js';
import { type PendingRequests, pathOf } from './pending-requests.js';
import type { WatchManager } from './watch-manager.js';

/** Credentials replayed after every handshake, in the order they were added. */
export type AuthList = { scheme: string; auth: Buffer }[];

/** The engine parts a {@link ReplyHandler} settles requests and dispatches events with. */
export interface ReplyHandlerDeps {
  requests: PendingRequests;
  watches: WatchManager;
  stats: StatsCounter;
  logger: Logger;
  /** Shared with the engine's priming step: successful user `auth` requests are appended. */
  auth: AuthList;
}

/**
 * Settles requests from their replies and routes watch notifications (one per engine).
 *
 * @example
 * ```ts
 * const replies = new ReplyHandler({ requests, watches, stats, logger, auth });
 * const owner = { onReply: (p, h, r) => replies.onReply(p, h, r), ... };
 * ```
 */
export class ReplyHandler {
  readonly #requests: PendingRequests;
  readonly #watches: WatchManager;
  readonly #stats: StatsCounter;
  readonly #logger: Logger;
  readonly #auth: AuthList;

  constructor(deps: ReplyHandlerDeps) {
    this.#requests = deps.requests;
    this.#watches = deps.watches;
    this.#stats = deps.stats;
    this.#logger = deps.logger;
    this.#auth = deps.auth;
  }

  /** A reply for `p` (`r` positioned at the body); a reply to a settled request is dropped. */
  onReply(p: Packet, header: ReplyHeader, r: JuteReader): void {
    if (p.done) return;
    const err = header.err;
    const req = p.req;
    if (err !== 0) {
      // An exists watch on a missing node waits for its creation.
      const w = p.watch;
      if (err === -101 && w?.kind === 'exist') this.#watches.add('exist', w.path, w.listener);
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

  /** A watch notification; `zxid` is -1 before 3.9. */
  onNotification(e: WatcherEvent, zxid: bigint): void {
    this.#stats.watchEvents++;
    this.#logger.debug('watch notification', { type: e.type, path: e.path });
    this.#watches.dispatch(e.type, e.path, zxid >= 0n ? zxid : undefined);
  }

  #rememberAuth(scheme: string, auth: Buffer): void {
    if (!this.#auth.some((a) => a.scheme === scheme && a.auth.equals(auth)))
      this.#auth.push({ scheme, auth });
  }
}
