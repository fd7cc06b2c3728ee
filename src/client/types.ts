/**
 * Public types of the client: options, create modes, watch events, multi results.
 *
 * @module
 */
import type { SaslMechanism } from './sasl-mechanism.js';
import type { ConnectionOptions } from 'node:tls';
import type { Acl, Stat } from '../protocol/index.js';
import type { ZooKeeperError } from './errors.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * The session state, with Curator's `ConnectionState` meaning:
 * - `connecting`: no session yet;
 * - `connected`: the first session is established;
 * - `suspended`: the connection is lost, the session may still be alive (stop assuming
 *   ownership of locks and leadership);
 * - `reconnected`: the connection is back with the SAME session, or a NEW session after `lost`
 *   (compare `client.sessionId`);
 * - `lost`: the session expired (or stayed suspended longer than its timeout): its ephemeral
 *   nodes and watches are gone;
 * - `read-only`: connected to a read-only server (`canBeReadOnly`);
 * - `closed`: `close()` was called.
 *
 * @example
 * ```ts
 * client.state$.subscribe((s) => { if (s === 'lost') rebuild(); });
 * ```
 */
export type SessionState =
  | 'connecting'
  | 'connected'
  | 'suspended'
  | 'reconnected'
  | 'lost'
  | 'read-only'
  | 'closed';

/**
 * Options of {@link createClient} and {@link connect}. Defaults: {@link DEFAULT_CLIENT_OPTIONS}.
 *
 * @example
 * ```ts
 * const client = await connect('zk1:2181,zk2:2181/app', {
 *   sessionTimeoutMs: 15_000,
 *   auth: [{ scheme: 'digest', auth: 'app:secret' }],
 * });
 * ```
 */
export interface ClientOptions {
  /**
   * Requested session timeout; the server negotiates it into its min/max range. Default 30 000.
   * Like every timeout here, at most 2 147 483 647 (Node's longest timer).
   */
  sessionTimeoutMs?: number;
  /** Per connection attempt, handshake included. Default 10 000. */
  connectTimeoutMs?: number;
  /** Per request, waiting for a connection included; 0 = none (at most 2 147 483 647). Default 30 000. */
  requestTimeoutMs?: number;
  /** Backoff between reconnect attempts. Default: exponential backoff with jitter. */
  retryPolicy?: RetryPolicy;
  /** Credentials sent on every (re)connect, before any other request. */
  auth?: { scheme: string; auth: string | Uint8Array }[];
  /**
   * SASL authentication run on every connection before any other request, e.g.
   * `digestMd5({ username, password })` for servers with `SASLAuthenticationProvider` and a
   * JAAS `Server` section. The client reports `connected` only once the exchange succeeded; a
   * rejected exchange closes the client with `AuthFailedError`. Default none.
   */
  sasl?: SaslMechanism;
  /** Accept read-only servers when no quorum is reachable. Default false. */
  canBeReadOnly?: boolean;
  /**
   * Try the connect string's servers in a random order (spreads clients over the ensemble), or
   * in the given order with `false` (e.g. to prefer the servers of the local zone listed first).
   * Either way every server is tried in turn when one fails. Default true.
   */
  shuffleHosts?: boolean;
  /**
   * Under a deep pipeline (64 or more requests unanswered on the connection), stop reading for
   * 1 ms after each read, so that the next read takes every reply the server sent meanwhile:
   * the client then wakes up once per few dozen replies instead of per few, which halved its CPU
   * per pipelined request. Those requests may wait up to about 1 ms longer (they
   * queue for longer than that anyway); an ordinary client, with fewer requests in flight, is
   * never paused. `false` reads as data arrives. Plain TCP only (TLS connections never pause).
   * Default true.
   */
  readCoalescing?: boolean;
  /** TLS: `true` for the system CAs, or `tls.connect` options (ca, cert, key, servername...). */
  tls?: ConnectionOptions | boolean;
  /** After `lost`, open a new session by itself. Default true. */
  renewSessionOnExpiry?: boolean;
  /** Receives debug/info/warn/error lines. Default: silent. */
  logger?: Logger;
  /** ACL of nodes created without `acl`. Default {@link OPEN_ACL_UNSAFE}. */
  defaultAcl?: readonly Acl[];
  /**
   * The server's `jute.maxbuffer`: node data, and any request as encoded, larger than this is
   * rejected with InvalidArgumentError before sending (the server would drop the connection).
   * Default 1 048 575 (0xfffff, the server default); raise it only together with the server's.
   */
  maxDataBytes?: number;
}

/**
 * Cancellation of one call: an AbortSignal and/or a timeout in ms (overrides `requestTimeoutMs`).
 * An aborted call rejects with `signal.reason`.
 *
 * @example
 * ```ts
 * await client.getData('/a', { signal: AbortSignal.timeout(500) });
 * ```
 */
export interface CallOptions {
  /** Aborts the call; it then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Client-side timeout of this call in ms (RequestTimeoutError). */
  timeoutMs?: number;
}

/**
 * Options of `waitForConnection`.
 *
 * @example
 * ```ts
 * await client.waitForConnection({ timeoutMs: 5_000 });
 * ```
 */
export interface WaitOptions {
  /** Aborts the wait. */
  signal?: AbortSignal;
  /** Gives up after this many ms. */
  timeoutMs?: number;
}

/**
 * A call that checks the node's version. `0` is a real version; leave it out for "any".
 *
 * @example
 * ```ts
 * await client.setData('/a', 'v2', { version: stat.version });
 * ```
 */
export interface VersionOptions extends CallOptions {
  /** Expected version (an integer ≥ 0, or -1 for any); absent means any. */
  version?: number;
}

/**
 * A read that may arm a one-shot watch.
 *
 * @example
 * ```ts
 * await client.getData('/a', { watch: (e) => console.log(e.type, e.path) });
 * ```
 */
export interface ReadOptions extends CallOptions {
  /** One-shot watch, armed only when the read succeeds (for `exists`, also when the node is missing). */
  watch?: WatchListener;
}

/**
 * How a node is created. `container` nodes are removed by the server once their last child is
 * gone; `*-ttl` nodes are removed when unmodified for `ttlMs` and childless (the server needs
 * `zookeeper.extendedTypesEnabled=true`).
 *
 * @example
 * ```ts
 * await client.create('/locks/lock-', '', { mode: 'ephemeral-sequential' });
 * ```
 */
export type CreateMode =
  | 'persistent'
  | 'ephemeral'
  | 'persistent-sequential'
  | 'ephemeral-sequential'
  | 'container'
  | 'persistent-ttl'
  | 'persistent-sequential-ttl';

/**
 * Options of `create` and `mkdirp`.
 *
 * @example
 * ```ts
 * await client.create('/a/b/c', 'x', { mode: 'ephemeral', createParents: 'container' });
 * ```
 */
export interface CreateOptions extends CallOptions {
  /** Default `persistent`. */
  mode?: CreateMode;
  /** Default: the client's `defaultAcl`. */
  acl?: readonly Acl[];
  /** Required for TTL modes (1 ms .. 2^40-1 ms), forbidden otherwise. */
  ttlMs?: number;
  /** Create missing parents as persistent nodes (`true`) or containers (`'container'`), never with the child's mode. */
  createParents?: boolean | 'container';
}

/**
 * Options of `addWatch`.
 *
 * @example
 * ```ts
 * await client.addWatch('/config', onEvent, { recursive: true });
 * ```
 */
export interface AddWatchOptions extends CallOptions {
  /** Also watch every descendant (children-changed events are not sent for recursive watches). */
  recursive?: boolean;
}

/**
 * Options of `removeWatches`.
 *
 * @example
 * ```ts
 * await client.removeWatches('/a', 'data', { listener: onEvent });
 * ```
 */
export interface RemoveWatchesOptions extends CallOptions {
  /** Remove only this listener (default: every listener of the type on the path). */
  listener?: WatchListener;
  /** Remove locally only, without telling the server (works while disconnected). */
  local?: boolean;
}

/**
 * What a watch saw. `session-lost`, `closed` and `watch-removed` are produced by the client.
 *
 * @example
 * ```ts
 * const onEvent = (e: WatchEvent) => { if (e.type === 'data-changed') reload(e.path); };
 * ```
 */
export type WatchEventType =
  | 'created'
  | 'deleted'
  | 'data-changed'
  | 'children-changed'
  | 'session-lost'
  | 'closed'
  | 'watch-removed';

/**
 * A watch notification. `path` is relative to the client's chroot.
 *
 * @example
 * ```ts
 * client.exists('/a', { watch: (e: WatchEvent) => console.log(e.type, e.path) });
 * ```
 */
export interface WatchEvent {
  /** What happened. */
  type: WatchEventType;
  /** The node it happened to (chroot-relative). */
  path: string;
  /** The zxid of the change, when the server sends it (3.9+). */
  zxid?: bigint;
}

/**
 * Receives watch events. Throws are caught and logged; they never reach the connection.
 *
 * @example
 * ```ts
 * const listener: WatchListener = (e) => console.log(e.type);
 * ```
 */
export type WatchListener = (event: WatchEvent) => void;

/**
 * A persistent (optionally recursive) watch from `addWatch`; `remove()` or `await using` ends it.
 *
 * @example
 * ```ts
 * await using w = await client.addWatch('/config', onEvent, { recursive: true });
 * ```
 */
export interface PersistentWatch extends AsyncDisposable {
  /** The watched path (chroot-relative). */
  readonly path: string;
  /** Whether descendants are watched too. */
  readonly recursive: boolean;
  /** Stops the watch; idempotent. */
  remove(): Promise<void>;
}

/**
 * Options of a create inside a transaction.
 *
 * @example
 * ```ts
 * client.multi().create('/a', 'x', { mode: 'persistent-ttl', ttlMs: 60_000 });
 * ```
 */
export interface TransactionCreateOptions {
  /** Default `persistent`. */
  mode?: CreateMode;
  /** Default: the client's `defaultAcl`. */
  acl?: readonly Acl[];
  /** Required for TTL modes, forbidden otherwise. */
  ttlMs?: number;
}

/**
 * The outcome of one op of a committed transaction. `path` of a create is chroot-relative and
 * holds the sequence number of sequential nodes.
 *
 * @example
 * ```ts
 * const [r] = await client.multi().create('/q/item-', 'x', { mode: 'persistent-sequential' }).commit();
 * if (r?.type === 'create') console.log(r.path);
 * ```
 */
export type OpResult =
  | { type: 'create'; path: string; stat?: Stat }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' };

/**
 * What a failed transaction's error carries in `results`: every op's outcome, in op order, as the
 * server reports it. Nothing was applied: the ops before the failing one have `code` 0 and
 * `error` null (they would have succeeded), the failing op has its code and error, and the ops
 * after it have `code` -2 (`RuntimeInconsistencyError`, not tried).
 *
 * @example
 * ```ts
 * try { await tx.commit(); } catch (err) {
 *   const outcomes = (err as ZooKeeperError).results as OpOutcome[];
 * }
 * ```
 */
export type OpOutcome = OpResult | { type: 'error'; code: number; error: ZooKeeperError | null };

/**
 * One read of `multiRead`.
 *
 * @example
 * ```ts
 * const ops: ReadOp[] = [{ type: 'getData', path: '/a' }, { type: 'getChildren', path: '/b' }];
 * ```
 */
export type ReadOp = { type: 'getData'; path: string } | { type: 'getChildren'; path: string };

/**
 * The outcome of one `multiRead` op; reads fail one by one, never all together.
 *
 * @example
 * ```ts
 * for (const r of await client.multiRead(ops)) if (r.type === 'error') console.warn(r.error.codeName);
 * ```
 */
export type ReadResult =
  | { type: 'getData'; data: Buffer; stat: Stat }
  | { type: 'getChildren'; children: string[] }
  | { type: 'error'; error: ZooKeeperError };
