/**
 * The client façade behind {@link ZooKeeperClient}: argument checks, the chroot, and the mapping
 * of each operation onto one engine request (or a few). Helpers with their own modules:
 * `create-request.ts`, `multi-read.ts`, `transaction.ts` and `tree-ops.ts` / `mkdirp.ts` for
 * building requests; `listener-wrappers.ts`, `remove-watches-options.ts`,
 * `remove-persistent-watch.ts` and `persistent-watch-handle.ts` for watches.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { Acl, ClientInfo, Request, Response, Stat } from '../protocol/index.js';
import { validateAcl } from './acl.js';
import { checkRequestSize, checkTimeout, toData, wireVersion } from './arguments.js';
import { callOpts, unexpectedReply, withClientPath } from './call-helpers.js';
import type { ClientStats } from './client-stats.js';
import { createRequest } from './create-request.js';
import { ClientClosedError, InvalidArgumentError, NoNodeError } from './errors.js';
import { ListenerWrappers } from './listener-wrappers.js';
import type { Logger } from './logger.js';
import { mkdirp } from './mkdirp.js';
import { multiReadOps, multiReadResults } from './multi-read.js';
import { applyChroot, stripChroot, validatePath } from './paths.js';
import { PersistentWatchHandle } from './persistent-watch-handle.js';
import { removePersistentWatch } from './remove-persistent-watch.js';
import { removeWatchesOptions } from './remove-watches-options.js';
import type { RequestOptions, SessionEngine } from './session-engine.js';
import { type Transaction, TransactionBuilder } from './transaction.js';
import { deleteTree, ensureParents } from './tree-ops.js';
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
import type { RawWatchListener, WatchKind } from './watch-manager.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/** What the façade uses of the session engine. @internal */
export type Engine = Pick<
  SessionEngine,
  | 'state'
  | 'state$'
  | 'sessionId'
  | 'sessionPassword'
  | 'negotiatedTimeoutMs'
  | 'waitForConnection'
  | 'request'
  | 'removeWatches'
  | 'stats'
  | 'close'
>;

/** Settings of the façade itself. @internal */
export interface FacadeSettings {
  chroot: string;
  /** The requested session timeout, reported until the server has negotiated one. */
  sessionTimeoutMs: number;
  defaultAcl: readonly Acl[];
  maxDataBytes: number;
  logger: Logger;
}

function existsResult(res: Response): Stat {
  if (res.op !== 'exists') throw unexpectedReply(res);
  return res.stat;
}

function noNodeAsNull(err: unknown): null {
  if (err instanceof NoNodeError) return null;
  throw err;
}

function dataResult(res: Response): { data: Buffer; stat: Stat } {
  if (res.op !== 'getData') throw unexpectedReply(res);
  return { data: res.data, stat: res.stat };
}

function childrenResult(res: Response): string[] {
  if (res.op !== 'getChildren') throw unexpectedReply(res);
  return res.children;
}

/**
 * The {@link ZooKeeperClient} implementation: checks arguments, applies and strips the chroot,
 * and maps operations onto engine requests. Create it with {@link createClient}.
 *
 * @example
 * ```ts
 * const client: ZooKeeperClient = new ZooKeeperClientImpl(engine, settings);
 * ```
 * @internal
 */
export class ZooKeeperClientImpl implements ZooKeeperClient {
  readonly chroot: string;
  readonly #engine: Engine;
  readonly #settings: FacadeSettings;
  readonly #wrappers: ListenerWrappers;
  #closing: Promise<void> | undefined;

  constructor(engine: Engine, settings: FacadeSettings) {
    this.#engine = engine;
    this.#settings = settings;
    this.chroot = settings.chroot;
    this.#wrappers = new ListenerWrappers(settings.chroot, settings.logger);
  }

  get state(): SessionState {
    return this.#engine.state;
  }
  get state$(): Observable<SessionState> {
    return this.#engine.state$;
  }
  get sessionId(): bigint {
    return this.#engine.sessionId;
  }
  get sessionPassword(): Buffer {
    return this.#engine.sessionPassword;
  }
  get sessionTimeoutMs(): number {
    return this.#engine.negotiatedTimeoutMs || this.#settings.sessionTimeoutMs;
  }

  async waitForConnection(opts: WaitOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    await this.#engine.waitForConnection(opts);
  }

  async create(
    path: string,
    data?: Uint8Array | string,
    opts: CreateOptions = {},
  ): Promise<{ path: string; stat: Stat }> {
    this.#checkOpen(opts);
    const parents = opts.createParents ?? false;
    if (parents !== true && parents !== false && parents !== 'container') {
      throw new InvalidArgumentError(
        `createParents must be true, false or 'container', got ${String(parents)}`,
      );
    }
    const req = createRequest(path, data, opts, this.#settings);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.#send(req, opts, path);
        if (res.op !== 'create2' && res.op !== 'createContainer' && res.op !== 'createTTL')
          throw unexpectedReply(res, path);
        return { path: this.#client(res.path), stat: res.stat };
      } catch (err) {
        if (!(err instanceof NoNodeError) || parents === false || attempt >= 5) throw err;
      }
      const parentMode = parents === 'container' ? 'container' : 'persistent';
      await ensureParents(this, path.endsWith('/') ? `${path}x` : path, {
        ...callOpts(opts),
        parentMode,
        parentAcl: this.#settings.defaultAcl,
      });
    }
  }

  // The hot reads chain one `.then` on the engine's promise instead of an async frame (less
  // garbage per call, one microtask hop less); an argument error still arrives as a rejection.
  exists(path: string, opts: ReadOptions = {}): Promise<Stat | null> {
    try {
      return this.#read(path, 'exists', 'exist', opts).then(existsResult, noNodeAsNull);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  getData(path: string, opts: ReadOptions = {}): Promise<{ data: Buffer; stat: Stat }> {
    try {
      return this.#read(path, 'getData', 'data', opts).then(dataResult);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  getChildren(path: string, opts: ReadOptions = {}): Promise<string[]> {
    try {
      return this.#read(path, 'getChildren', 'child', opts).then(childrenResult);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async getChildrenWithStat(
    path: string,
    opts: ReadOptions = {},
  ): Promise<{ children: string[]; stat: Stat }> {
    const res = await this.#read(path, 'getChildren2', 'child', opts);
    if (res.op !== 'getChildren2') throw unexpectedReply(res, path);
    return { children: res.children, stat: res.stat };
  }

  async setData(path: string, data: Uint8Array | string, opts: VersionOptions = {}): Promise<Stat> {
    this.#checkOpen(opts);
    validatePath(path);
    const version = wireVersion(opts.version);
    const buf = toData(data, this.#settings.maxDataBytes);
    const res = await this.#send({ op: 'setData', path: this.#server(path), data: buf, version }, opts, path);
    if (res.op !== 'setData') throw unexpectedReply(res, path);
    return res.stat;
  }

  async delete(path: string, opts: VersionOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    validatePath(path);
    const version = wireVersion(opts.version);
    await this.#send({ op: 'delete', path: this.#server(path), version }, opts, path);
  }

  async deleteRecursive(path: string, opts: CallOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    validatePath(path);
    if (path === '/' && this.chroot === '')
      throw new InvalidArgumentError('refusing to delete the root node');
    await deleteTree(this, path, callOpts(opts));
  }

  async mkdirp(path: string, opts: CreateOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    validatePath(path);
    return mkdirp(this, path, opts, this.#settings.defaultAcl);
  }

  multi(): Transaction {
    return new TransactionBuilder({
      chroot: this.chroot,
      defaultAcl: this.#settings.defaultAcl,
      maxDataBytes: this.#settings.maxDataBytes,
      send: (req, opts = {}) => {
        this.#checkOpen(opts);
        return this.#send(req, opts);
      },
    });
  }

  async multiRead(ops: ReadOp[], opts: CallOptions = {}): Promise<ReadResult[]> {
    this.#checkOpen(opts);
    const wire = multiReadOps(ops, this.chroot);
    if (wire.length === 0) return [];
    const res = await this.#send({ op: 'multiRead', ops: wire }, opts);
    if (res.op !== 'multiRead') throw unexpectedReply(res);
    return multiReadResults(res.results, ops);
  }

  async sync(path: string, opts: CallOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    validatePath(path);
    await this.#send({ op: 'sync', path: this.#server(path) }, opts, path);
  }

  async getACL(path: string, opts: CallOptions = {}): Promise<{ acl: Acl[]; stat: Stat }> {
    this.#checkOpen(opts);
    validatePath(path);
    const res = await this.#send({ op: 'getACL', path: this.#server(path) }, opts, path);
    if (res.op !== 'getACL') throw unexpectedReply(res, path);
    return { acl: res.acl, stat: res.stat };
  }

  async setACL(path: string, acl: readonly Acl[], opts: VersionOptions = {}): Promise<Stat> {
    this.#checkOpen(opts);
    validatePath(path);
    validateAcl(acl);
    const version = wireVersion(opts.version);
    const res = await this.#send(
      { op: 'setACL', path: this.#server(path), acl: [...acl], version },
      opts,
      path,
    );
    if (res.op !== 'setACL') throw unexpectedReply(res, path);
    return res.stat;
  }

  async getEphemerals(prefixPath = '/', opts: CallOptions = {}): Promise<string[]> {
    this.#checkOpen(opts);
    validatePath(prefixPath);
    const res = await this.#send(
      { op: 'getEphemerals', prefixPath: this.#server(prefixPath) },
      opts,
      prefixPath,
    );
    if (res.op !== 'getEphemerals') throw unexpectedReply(res, prefixPath);
    const out: string[] = [];
    for (const p of res.ephemerals) {
      const rel = stripChroot(this.chroot, p);
      if (rel !== undefined) out.push(rel);
    }
    return out;
  }

  async getAllChildrenNumber(path: string, opts: CallOptions = {}): Promise<number> {
    this.#checkOpen(opts);
    validatePath(path);
    const res = await this.#send({ op: 'getAllChildrenNumber', path: this.#server(path) }, opts, path);
    if (res.op !== 'getAllChildrenNumber') throw unexpectedReply(res, path);
    return res.totalNumber;
  }

  async whoAmI(opts: CallOptions = {}): Promise<ClientInfo[]> {
    this.#checkOpen(opts);
    const res = await this.#send({ op: 'whoAmI' }, opts);
    if (res.op !== 'whoAmI') throw unexpectedReply(res);
    return res.clientInfo;
  }

  async addAuth(scheme: string, auth: string | Uint8Array, opts: CallOptions = {}): Promise<void> {
    this.#checkOpen(opts);
    if (typeof scheme !== 'string' || scheme.length === 0)
      throw new InvalidArgumentError('auth scheme must be a non-empty string');
    const bytes = toData(auth, this.#settings.maxDataBytes);
    // The engine remembers credentials that succeed and replays them after every reconnect.
    await this.#send({ op: 'auth', type: 0, scheme, auth: bytes }, opts);
  }

  async addWatch(
    path: string,
    listener: WatchListener,
    opts: AddWatchOptions = {},
  ): Promise<PersistentWatch> {
    this.#checkOpen(opts);
    validatePath(path);
    if (typeof listener !== 'function') throw new InvalidArgumentError('addWatch needs a listener function');
    const recursive = opts.recursive === true;
    const kind: WatchKind = recursive ? 'persistent-recursive' : 'persistent';
    const serverPath = this.#server(path);
    const raw = this.#wrappers.wrap(listener);
    await this.#send({ op: 'addWatch', path: serverPath, mode: recursive ? 1 : 0 }, opts, path, {
      kind,
      path: serverPath,
      listener: raw,
    });
    return new PersistentWatchHandle(path, recursive, async () => {
      if (this.#closing === undefined) await removePersistentWatch(this.#engine, serverPath, raw);
    });
  }

  async removeWatches(
    path: string,
    type: 'children' | 'data' | 'any',
    opts: RemoveWatchesOptions = {},
  ): Promise<void> {
    this.#checkOpen(opts);
    validatePath(path);
    const removeOpts = removeWatchesOptions(type, opts, this.#wrappers);
    try {
      await this.#engine.removeWatches(this.#server(path), type, removeOpts);
    } catch (err) {
      throw withClientPath(err, path);
    }
  }

  stats(): ClientStats {
    return this.#engine.stats();
  }

  close(): Promise<void> {
    const closing = this.#closing ?? this.#engine.close();
    this.#closing = closing;
    return closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(opts: CallOptions): void {
    if (this.#closing !== undefined) throw new ClientClosedError();
    if (opts === null || typeof opts !== 'object')
      throw new InvalidArgumentError('options must be an object');
    checkTimeout(opts.timeoutMs);
    if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) {
      throw new InvalidArgumentError('signal must be an AbortSignal');
    }
  }

  // #read and #send return the engine's promise as it is (no async frames of their own: they
  // cost about 0.7 KB of garbage and two microtask hops per call). Every caller is async, so an
  // argument error thrown here still reaches the user as a rejection.
  #read(
    path: string,
    op: 'exists' | 'getData' | 'getChildren' | 'getChildren2',
    kind: WatchKind,
    opts: ReadOptions,
  ): Promise<Response> {
    this.#checkOpen(opts);
    validatePath(path);
    const watch = opts.watch;
    if (watch !== undefined && typeof watch !== 'function')
      throw new InvalidArgumentError('watch must be a function');
    const serverPath = this.#server(path);
    const registration = watch ? { kind, path: serverPath, listener: this.#wrappers.wrap(watch) } : undefined;
    return this.#send({ op, path: serverPath, watch: watch !== undefined }, opts, path, registration);
  }

  #send(
    req: Request,
    opts: CallOptions,
    clientPath?: string,
    watch?: { kind: WatchKind; path: string; listener: RawWatchListener },
  ): Promise<Response> {
    checkRequestSize(req, this.#settings.maxDataBytes);
    const o: RequestOptions = {};
    if (opts.signal !== undefined) o.signal = opts.signal;
    if (opts.timeoutMs !== undefined) o.timeoutMs = opts.timeoutMs;
    if (watch !== undefined) o.watch = watch;
    const sent = this.#engine.request(req, o);
    // without a chroot an error already names the caller's path
    if (clientPath === undefined || this.chroot === '') return sent;
    return sent.catch((err: unknown) => {
      throw withClientPath(err, clientPath);
    });
  }

  #server(path: string): string {
    return applyChroot(this.chroot, path);
  }

  #client(serverPath: string): string {
    return stripChroot(this.chroot, serverPath) ?? serverPath;
  }
}
