import type { Observable } from 'rxjs';
import type { Acl, ClientInfo, Stat } from '../protocol/index.js';
import type { ClientStats } from './client-stats.js';
import type { Transaction } from './transaction.js';
import type {
  AddWatchOptions,
  CallOptions,
  CreateOptions,
  PersistentWatch,
  ReadOp,
  ReadOptions,
  ReadResult,
  RemoveWatchesOptions,
  SessionState,
  VersionOptions,
  WaitOptions,
  WatchListener,
} from './types.js';

/**
 * A ZooKeeper session, as returned by {@link createClient} and {@link connect}.
 *
 * Every operation returns the value itself (no envelopes), takes `{ signal, timeoutMs }`,
 * checks its arguments before sending anything (InvalidArgumentError), rejects with a typed
 * {@link ZooKeeperError} subclass for server errors (NoNodeError, BadVersionError, ...), with
 * ClientClosedError after `close()`, and with `signal.reason` when aborted. Paths are relative to
 * the chroot of the connect string, both the paths you pass and the paths you get back.
 *
 * Operations issued while disconnected wait for the connection (bounded by `requestTimeoutMs`).
 * A ConnectionLossError or RequestTimeoutError means the write may or may not have been applied.
 *
 * @example
 * ```ts
 * await using client = await connect('127.0.0.1:2181/app');
 * const { stat } = await client.create('/config', JSON.stringify({ a: 1 }), { createParents: true });
 * const { data } = await client.getData('/config', { watch: (e) => console.log(e.type) });
 * await client.setData('/config', '{"a":2}', { version: stat.version });
 * ```
 */
export interface ZooKeeperClient extends AsyncDisposable {
  /** The current session state. */
  readonly state: SessionState;
  /** Session states; replays the current state to each subscriber. */
  readonly state$: Observable<SessionState>;
  /** The session id, `0n` when there is no session. */
  readonly sessionId: bigint;
  /** The session password (16 bytes), empty when there is no session. */
  readonly sessionPassword: Buffer;
  /** The session timeout the server negotiated (the requested one before the first session). */
  readonly sessionTimeoutMs: number;
  /** The chroot of the connect string: `''` or e.g. `'/app'`. */
  readonly chroot: string;

  /**
   * Resolves once a session is connected (now or later).
   * @example
   * ```ts
   * await client.waitForConnection({ timeoutMs: 5_000 });
   * ```
   */
  waitForConnection(opts?: WaitOptions): Promise<void>;

  /**
   * Creates a node and returns its path (with the sequence number of sequential modes) and Stat.
   * `container` and TTL modes work too (TTL needs `ttlMs`). With `createParents`, missing parents
   * are created as persistent nodes (or containers with `'container'`), never with the child's mode.
   * @throws NodeExistsError, NoNodeError (parent missing), NoChildrenForEphemeralsError, NoAuthError
   * @example
   * ```ts
   * const { path } = await client.create('/jobs/job-', 'payload', { mode: 'persistent-sequential', createParents: true });
   * ```
   */
  create(
    path: string,
    data?: Uint8Array | string,
    opts?: CreateOptions,
  ): Promise<{ path: string; stat: Stat }>;

  /**
   * The node's Stat, or `null` when it does not exist. A `watch` is armed in both cases (it
   * fires `created` for a missing node).
   * @example
   * ```ts
   * const stat = await client.exists('/leader', { watch: () => campaign() });
   * ```
   */
  exists(path: string, opts?: ReadOptions): Promise<Stat | null>;

  /**
   * The node's data and Stat; `watch` fires on `data-changed` or `deleted`.
   * @throws NoNodeError
   * @example
   * ```ts
   * const { data, stat } = await client.getData('/config');
   * JSON.parse(data.toString('utf8'));
   * ```
   */
  getData(path: string, opts?: ReadOptions): Promise<{ data: Buffer; stat: Stat }>;

  /**
   * Replaces the node's data; with `version` only if the node still has that version (0 is a
   * real version). Strings are written as UTF-8.
   * @throws NoNodeError, BadVersionError
   * @example
   * ```ts
   * const stat = await client.setData('/config', '{"a":2}', { version: 3 });
   * ```
   */
  setData(path: string, data: Uint8Array | string, opts?: VersionOptions): Promise<Stat>;

  /**
   * Deletes a node; with `version` only if it still has that version.
   * @throws NoNodeError, BadVersionError, NotEmptyError
   * @example
   * ```ts
   * await client.delete('/locks/lock-0000000007');
   * ```
   */
  delete(path: string, opts?: VersionOptions): Promise<void>;

  /**
   * The names (not paths) of the node's children, in no particular order; `watch` fires on
   * `children-changed` or `deleted`.
   * @throws NoNodeError
   * @example
   * ```ts
   * const names = (await client.getChildren('/locks')).sort();
   * ```
   */
  getChildren(path: string, opts?: ReadOptions): Promise<string[]>;

  /**
   * Like {@link ZooKeeperClient.getChildren}, plus the parent's Stat.
   * @example
   * ```ts
   * const { children, stat } = await client.getChildrenWithStat('/workers');
   * ```
   */
  getChildrenWithStat(path: string, opts?: ReadOptions): Promise<{ children: string[]; stat: Stat }>;

  /**
   * Deletes a node and everything below it, children first. A missing node is fine, and so are
   * nodes deleted by others meanwhile; if children keep appearing it gives up after a bounded
   * number of rounds with NotEmptyError. Not atomic.
   * @example
   * ```ts
   * await client.deleteRecursive('/jobs');
   * ```
   */
  deleteRecursive(path: string, opts?: CallOptions): Promise<void>;

  /**
   * Creates the node and any missing ancestors; nodes that exist are fine. Ancestors are
   * persistent (containers with `createParents: 'container'` or `mode: 'container'`); the node
   * itself gets `mode` (not sequential) and `acl`.
   * @example
   * ```ts
   * await client.mkdirp('/app/services/api');
   * ```
   */
  mkdirp(path: string, opts?: CreateOptions): Promise<void>;

  /**
   * Starts an all-or-nothing transaction; see {@link Transaction}.
   * @example
   * ```ts
   * await client.multi().delete('/a', { version: 0 }).create('/b', 'x').commit();
   * ```
   */
  multi(): Transaction;

  /**
   * Several reads in one round trip (ZooKeeper 3.6+); each read fails on its own.
   * @example
   * ```ts
   * const [a, kids] = await client.multiRead([{ type: 'getData', path: '/a' }, { type: 'getChildren', path: '/b' }]);
   * ```
   */
  multiRead(ops: ReadOp[], opts?: CallOptions): Promise<ReadResult[]>;

  /**
   * Waits until the server this session uses has applied every write the leader had committed
   * when the sync arrived: read your own (and others') writes across servers.
   * @example
   * ```ts
   * await client.sync('/config');
   * const { data } = await client.getData('/config');
   * ```
   */
  sync(path: string, opts?: CallOptions): Promise<void>;

  /**
   * The node's ACL and Stat.
   * @example
   * ```ts
   * const { acl } = await client.getACL('/secret');
   * ```
   */
  getACL(path: string, opts?: CallOptions): Promise<{ acl: Acl[]; stat: Stat }>;

  /**
   * Replaces the node's ACL; with `version` only if the ACL version (`aversion`) matches.
   * @throws NoNodeError, BadVersionError, InvalidAclError, NoAuthError
   * @example
   * ```ts
   * await client.setACL('/secret', [digestAcl('app', 'pw')]);
   * ```
   */
  setACL(path: string, acl: readonly Acl[], opts?: VersionOptions): Promise<Stat>;

  /**
   * The paths of this session's ephemeral nodes whose path starts with `prefixPath` (default
   * `/`, a plain string prefix), chroot-relative (ZooKeeper 3.6+).
   * @example
   * ```ts
   * const mine = await client.getEphemerals('/locks');
   * ```
   */
  getEphemerals(prefixPath?: string, opts?: CallOptions): Promise<string[]>;

  /**
   * The number of descendants of a node, at any depth, not counting the node (ZooKeeper 3.6+).
   * @example
   * ```ts
   * const n = await client.getAllChildrenNumber('/queue');
   * ```
   */
  getAllChildrenNumber(path: string, opts?: CallOptions): Promise<number>;

  /**
   * The identities this session is authenticated as (ZooKeeper 3.7+).
   * @example
   * ```ts
   * const ids = await client.whoAmI(); // [{ authScheme: 'ip', user: '127.0.0.1' }, ...]
   * ```
   */
  whoAmI(opts?: CallOptions): Promise<ClientInfo[]>;

  /**
   * Adds credentials to the session (e.g. `digest`, `'user:password'`); they are sent again
   * after every reconnect and on a new session.
   * @throws AuthFailedError
   * @example
   * ```ts
   * await client.addAuth('digest', 'app:secret');
   * ```
   */
  addAuth(scheme: string, auth: string | Uint8Array, opts?: CallOptions): Promise<void>;

  /**
   * Adds a persistent watch (ZooKeeper 3.6+): it fires for every change until removed, and with
   * `recursive` for every descendant too (recursive watches get no `children-changed`).
   * @example
   * ```ts
   * await using watch = await client.addWatch('/config', (e) => reload(e.path), { recursive: true });
   * ```
   */
  addWatch(path: string, listener: WatchListener, opts?: AddWatchOptions): Promise<PersistentWatch>;

  /**
   * Removes one-shot watches of a type on a path (every listener, or only `listener`); the
   * removed listeners get `watch-removed`. With `local` the server is not told.
   * @throws NoWatcherError when there is no such watch
   * @example
   * ```ts
   * await client.removeWatches('/a', 'data', { listener: onChange });
   * ```
   */
  removeWatches(path: string, type: 'children' | 'data' | 'any', opts?: RemoveWatchesOptions): Promise<void>;

  /**
   * Counters since creation: requests, errors, reconnects, watch events, bytes in and out.
   * @example
   * ```ts
   * console.log(client.stats().requests);
   * ```
   */
  stats(): ClientStats;

  /**
   * Closes the session (its ephemeral nodes go at once) and the connection; pending calls reject
   * with ClientClosedError and watch listeners get `closed`. Safe to call twice.
   * @example
   * ```ts
   * await client.close();
   * ```
   */
  close(): Promise<void>;
}
