import {
  BehaviorSubject,
  distinctUntilChanged,
  map,
  type Observable,
  Subject,
  type Subscription,
} from 'rxjs';
import {
  type Acl,
  BadVersionError,
  ClientClosedError,
  type CreateMode,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  type Stat,
  type WatchEvent,
  type ZooKeeperClient,
} from '../../src/index.js';
import { sleep, type WaitOptions } from '../internal/abortable.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { protectedCreate } from '../internal/protected-create.js';
import { isTransientError, retryDelayMs } from '../internal/wait-for-delete.js';
import { assertPath, parentPath } from '../cache/cache-paths.js';
import { firstMatch } from '../cache/first-match.js';

/**
 * Options of {@link PersistentNode}.
 *
 * @example
 * ```ts
 * const opts: PersistentNodeOptions = { mode: 'ephemeral', data: JSON.stringify({ host: 'a' }) };
 * ```
 */
export interface PersistentNodeOptions {
  /** Any create mode; default `ephemeral`. */
  mode?: CreateMode;
  /** Initial data; default empty. */
  data?: Uint8Array | string;
  acl?: Acl[];
  /** Required for the `*-ttl` modes. */
  ttlMs?: number;
  /**
   * Sequential modes only: create with Curator's protected prefix `_c_<uuid>-` so a create whose
   * reply was lost is found again, never orphaned. Default true.
   */
  protected?: boolean;
}

interface Status {
  readonly path: string | null;
  readonly error?: unknown;
}

const toBuffer = (d: Uint8Array | string | undefined): Buffer =>
  d === undefined ? Buffer.alloc(0) : typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d);

/**
 * A node that stays in place (Curator's `PersistentNode`): created in the background, in any
 * create mode, and kept: re-created when someone deletes it (its own data watch), after a new
 * session (ephemerals die with the old one), and checked after every reconnect. Data updates
 * (`setData`) are applied in place and re-applied after a re-create. A sequential node keeps the
 * name it got first: later re-creates use that exact path. When the node already exists (a
 * non-sequential path), it is taken over: our data is written into it; an ephemeral left over
 * from one of OUR earlier sessions is deleted and re-created at once instead of waiting for the
 * server to expire it. `close()` deletes the node.
 *
 * Non-transient failures (NoAuth, InvalidACL, NoChildrenForEphemerals...) are reported by
 * `waitForInitialCreate` / `setData` and in `error$`; the node is tried again on the next
 * reconnect or `setData`.
 *
 * **Connection loss.** On `suspended` nothing changes (an ephemeral may still be alive). On
 * `lost` an ephemeral node is gone: `path$` emits `null`. On `reconnected` (same session, or
 * the new session after `lost`) the node is checked and re-created if missing, with the latest
 * data; `path$` emits the path again.
 *
 * @example
 * ```ts
 * await using node = new PersistentNode(client, '/workers/worker-1', { mode: 'ephemeral', data: 'idle' });
 * node.start();
 * await node.waitForInitialCreate({ timeoutMs: 5_000 });
 * await node.setData('busy');
 * ```
 */
export class PersistentNode implements AsyncDisposable {
  /** The node's path while it is known to exist, `null` while it is missing or being re-created. */
  readonly path$: Observable<string | null>;
  /** Non-transient errors met while keeping the node (each once). */
  readonly error$: Observable<unknown>;
  private readonly status = new BehaviorSubject<Status>({ path: null });
  private readonly errors = new Subject<unknown>();
  /** Ticks whenever data was applied or an error was met (wakes `setData` waiters). */
  private readonly progress = new BehaviorSubject<number>(0);
  private lastError: unknown;
  private readonly mode: CreateMode;
  private readonly sequential: boolean;
  private readonly ephemeral: boolean;
  private readonly protect: boolean;
  private readonly stopCtl = new AbortController();
  private readonly ourSessions = new Set<bigint>();
  private actualPath: string | null;
  private currentData: Buffer;
  private dataGen = 0;
  private appliedGen = -1;
  private wanted = false;
  private loop: Promise<void> | null = null;
  private stateSub: Subscription | null = null;
  private started = false;
  private closePromise: Promise<void> | null = null;
  /** Session in which the node's watch was last set. */
  private watchSession = -1n;

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly basePath: string,
    private readonly options: PersistentNodeOptions = {},
  ) {
    assertPath(basePath);
    if (basePath === '/') throw new RangeError('PersistentNode cannot manage the root node');
    this.mode = options.mode ?? 'ephemeral';
    this.sequential = this.mode.includes('sequential');
    this.ephemeral = this.mode.startsWith('ephemeral');
    this.protect = this.sequential && (options.protected ?? true) && !this.mode.endsWith('-ttl');
    this.actualPath = this.sequential ? null : basePath;
    this.currentData = toBuffer(options.data);
    this.path$ = this.status.pipe(
      map((s) => s.path),
      distinctUntilChanged(),
    );
    this.error$ = this.errors.asObservable();
  }

  /** The node's actual path (for sequential modes, known after the first create), or null. */
  get path(): string | null {
    return this.actualPath;
  }

  /** The data this node is kept with. */
  get data(): Buffer {
    return this.currentData;
  }

  /** Starts creating and keeping the node. Idempotent. */
  start(): void {
    if (this.started || this.stopCtl.signal.aborted) return;
    this.started = true;
    let first = true;
    this.stateSub = this.client.state$.subscribe((state) => {
      const replayed = first;
      first = false;
      if (state === 'closed') this.finish();
      else if (state === 'lost' && this.ephemeral) {
        this.publish(null);
        this.requestEnsure();
      } else if (state === 'reconnected' && !replayed) this.requestEnsure();
    });
    this.requestEnsure();
  }

  /**
   * Resolves with the node's path once it has been created the first time. Rejects with a
   * non-transient creation error, or a `TimeoutError` after `timeoutMs`.
   */
  async waitForInitialCreate(opts: WaitOptions = {}): Promise<string> {
    const s = await firstMatch(this.status, (st) => st.path !== null || st.error !== undefined, opts);
    if (s.path === null) throw s.error;
    return s.path;
  }

  /**
   * Sets the node's data (kept across re-creates) and resolves once it is on the server. If the
   * wait is aborted or times out, the data is still applied as soon as the connection allows.
   */
  async setData(data: Uint8Array | string, opts: WaitOptions = {}): Promise<void> {
    if (this.stopCtl.signal.aborted) throw new Error('PersistentNode is closed');
    this.currentData = toBuffer(data);
    const gen = ++this.dataGen;
    if (!this.started) return;
    this.lastError = undefined;
    this.requestEnsure();
    await firstMatch(this.progress, () => this.appliedGen >= gen || this.lastError !== undefined, opts);
    if (this.appliedGen < gen) throw this.lastError;
  }

  /** Stops keeping the node and deletes it (guaranteed delete in the background). Idempotent. */
  close(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.closePromise ??= this.doClose(opts.timeoutMs ?? 10_000);
    return this.closePromise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async doClose(timeoutMs: number): Promise<void> {
    this.stopCtl.abort();
    this.stateSub?.unsubscribe();
    await this.loop?.catch(() => undefined);
    const path = this.started ? this.actualPath : null;
    this.finish();
    if (path === null || this.client.state === 'closed') return;
    await this.client
      .removeWatches(path, 'data', { listener: this.listener, local: true })
      .catch(() => undefined);
    const done = guaranteedDelete(
      this.client,
      path,
      this.ephemeral ? { ephemeralOwner: this.client.sessionId } : {},
    );
    await Promise.race([done.catch(() => undefined), sleep(timeoutMs)]);
  }

  private finish(): void {
    if (!this.stopCtl.signal.aborted) this.stopCtl.abort();
    this.stateSub?.unsubscribe();
    if (!this.status.closed) {
      this.status.next({ path: null });
      this.status.complete();
      this.errors.complete();
      this.progress.complete();
    }
  }

  private publish(path: string | null, error?: unknown): void {
    if (this.status.closed) return;
    this.status.next(error === undefined ? { path } : { path, error });
  }

  private requestEnsure(): void {
    this.wanted = true;
    if (!this.loop && !this.stopCtl.signal.aborted) {
      this.loop = this.run().finally(() => {
        this.loop = null;
        if (this.wanted && !this.stopCtl.signal.aborted) this.requestEnsure();
      });
    }
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (this.wanted && !this.stopCtl.signal.aborted) {
      this.wanted = false;
      try {
        await this.ensureOnce();
        attempt = 0;
      } catch (err) {
        if (this.stopCtl.signal.aborted) return;
        if (err instanceof ClientClosedError) return this.finish();
        if (isTransientError(err) || err instanceof SessionExpiredError) {
          this.wanted = true;
          await sleep(retryDelayMs(++attempt), this.stopCtl.signal).catch(() => undefined);
          await this.client.waitForConnection({ signal: this.stopCtl.signal }).catch(() => undefined);
        } else {
          this.lastError = err;
          this.publish(this.status.value.path, err);
          this.errors.next(err);
          this.progress.next(this.progress.value + 1);
        }
      }
    }
  }

  /** One pass: make sure the node exists with our data, and watch it. */
  private async ensureOnce(): Promise<void> {
    const signal = this.stopCtl.signal;
    const gen = this.dataGen;
    const data = this.currentData;
    this.ourSessions.add(this.client.sessionId);
    let path = this.actualPath;
    if (path !== null && this.status.value.path !== null && this.appliedGen < gen) {
      try {
        await this.client.setData(path, data, { signal });
        this.applied(gen);
        return;
      } catch (err) {
        if (!(err instanceof NoNodeError)) throw err;
        this.publish(null);
      }
    }
    if (path === null) {
      path = await this.createFirst(data, signal);
      this.applied(gen);
    } else {
      try {
        await this.client.create(
          path,
          data,
          this.createOptions(this.mode.replace('-sequential', '') as CreateMode, signal),
        );
        this.applied(gen);
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
        if (!(await this.takeOver(path, data, gen))) {
          this.wanted = true;
          return;
        }
      }
    }
    try {
      await this.client.getData(path, { watch: this.listener, signal });
      this.watchSession = this.client.sessionId;
      this.publish(path);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      this.publish(null);
      this.wanted = true;
    }
  }

  private async createFirst(data: Buffer, signal: AbortSignal): Promise<string> {
    if (this.protect) {
      const parent = parentPath(this.basePath);
      const name = this.basePath.slice(parent === '/' ? 1 : parent.length + 1);
      const node = await protectedCreate(this.client, parent, name, {
        mode: this.mode as 'ephemeral-sequential' | 'persistent-sequential',
        data,
        acl: this.options.acl,
        signal,
      });
      this.actualPath = node.path;
      return node.path;
    }
    const created = await this.client.create(this.basePath, data, this.createOptions(this.mode, signal));
    this.actualPath = created.path;
    return created.path;
  }

  /** The node exists: make it ours. False when a stale ephemeral of ours was deleted (re-create). */
  private async takeOver(path: string, data: Buffer, gen: number): Promise<boolean> {
    let current: { data: Buffer; stat: Stat };
    try {
      current = await this.client.getData(path, { signal: this.stopCtl.signal });
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
    const owner = current.stat.ephemeralOwner;
    if (owner !== 0n && owner !== this.client.sessionId && this.ourSessions.has(owner)) {
      try {
        await this.client.delete(path, { version: current.stat.version, signal: this.stopCtl.signal });
      } catch (err) {
        if (!(err instanceof NoNodeError || err instanceof BadVersionError)) throw err;
      }
      return false;
    }
    if (!current.data.equals(data)) {
      await this.client.setData(path, data, { signal: this.stopCtl.signal });
    }
    this.applied(gen);
    return true;
  }

  private applied(gen: number): void {
    this.appliedGen = Math.max(this.appliedGen, gen);
    this.lastError = undefined;
    if (!this.progress.closed) this.progress.next(this.progress.value + 1);
  }

  private createOptions(mode: CreateMode, signal: AbortSignal) {
    return {
      mode,
      createParents: 'container' as const,
      signal,
      ...(this.options.acl ? { acl: this.options.acl } : {}),
      ...(this.options.ttlMs !== undefined ? { ttlMs: this.options.ttlMs } : {}),
    };
  }

  private readonly listener = (event: WatchEvent): void => {
    if (this.stopCtl.signal.aborted) return;
    if (event.type === 'deleted') {
      this.publish(null);
      this.requestEnsure();
    } else if (event.type === 'data-changed') {
      this.rewatch(event.path);
    } else if (event.type === 'session-lost' && this.watchSession !== this.client.sessionId) {
      // (a late notice about a registration of an older session, once the node is re-created
      // and watched in the new one, is ignored)
      if (this.ephemeral) this.publish(null);
      this.requestEnsure();
    }
  };

  private rewatch(path: string): void {
    this.client.getData(path, { watch: this.listener, signal: this.stopCtl.signal }).then(
      () => {
        this.watchSession = this.client.sessionId;
      },
      (err: unknown) => {
        if (err instanceof NoNodeError) {
          this.publish(null);
          this.requestEnsure();
        }
        // transient: the next reconnect runs a full check and re-arms the watch
      },
    );
  }
}
