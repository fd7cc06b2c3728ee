import { Observable, type Subscriber, shareReplay, type Subscription } from 'rxjs';
import {
  NoNodeError,
  type RetryPolicy,
  type SessionState,
  type Stat,
  type ZooKeeperClient,
} from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { RecipeError } from '../internal/errors.js';
import { assertPath } from '../cache/cache-paths.js';
import type { CachedNode } from '../cache/cache-types.js';
import { type Decoder, decodeOrThrow, json } from '../cache/decoders.js';
import { firstMatch } from '../cache/first-match.js';
import { sharedNodeStream } from '../cache/shared-node-stream.js';
import { optimisticUpdate } from '../shared/optimistic-update.js';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.js';

/**
 * Options of {@link ConfigStore}.
 *
 * @example
 * ```ts
 * const opts: ConfigStoreOptions<Limits> = { decode: jsonAs<Limits>(), defaultValue: { max: 10 } };
 * ```
 */
export interface ConfigStoreOptions<T> {
  /** Bytes → config; default JSON (`json`). Compose with a schema (e.g. zod) for checked values. */
  decode?: Decoder<T>;
  /** Config → bytes; default `JSON.stringify`. */
  encode?: (value: T) => Uint8Array | string;
  /** The value while the node does not exist. */
  defaultValue?: T;
  /** Pauses between conflicting `update` attempts; default 10 ms doubling to 500 ms, 50 retries. */
  retryPolicy?: RetryPolicy;
  /**
   * A local file that keeps the last value read from the server, so a process that starts while
   * ZooKeeper is unreachable still has its (stale, age-stamped) config. Written on every fresh
   * value (atomically: temp file + rename).
   */
  snapshotFile?: string;
}

/**
 * One emission of `config$`: the value, whether it is known current, and how old it may be.
 *
 * @example
 * ```ts
 * store.config$.subscribe((c) => c.stale && console.warn(`config may be ${c.snapshotAgeMs} ms old`));
 * ```
 */
export interface ConfigSnapshot<T> {
  /** The decoded config, or `defaultValue` (possibly undefined) while the node is missing. */
  readonly value: T | undefined;
  readonly exists: boolean;
  /** The node's stat (null when missing or from the snapshot file). */
  readonly stat: Stat | null;
  /** True while not known current: suspended, lost, reconnected but not yet re-read, or from the file. */
  readonly stale: boolean;
  /** 0 when current; else ms since the value was last known current (at emission time). */
  readonly snapshotAgeMs: number;
  readonly source: 'server' | 'file';
}

/**
 * `update` gave up: other writers kept winning until the retry policy stopped.
 *
 * @example
 * ```ts
 * try { await store.update(bump); } catch (e) { if (e instanceof UpdateConflictError) retryLater(); }
 * ```
 */
export class UpdateConflictError extends RecipeError {
  constructor(
    readonly path: string,
    readonly attempts: number,
  ) {
    super(`update of ${path} gave up after ${attempts} conflicting attempts`);
  }
}

/**
 * `get({ maxStalenessMs })` found only a snapshot older than allowed.
 *
 * @example
 * ```ts
 * await store.get({ maxStalenessMs: 30_000 }).catch((e) => e instanceof StaleConfigError && useDefaults());
 * ```
 */
export class StaleConfigError extends RecipeError {
  constructor(
    readonly path: string,
    readonly snapshotAgeMs: number,
  ) {
    super(`config at ${path} is ${snapshotAgeMs} ms stale`);
  }
}

const CONNECTED: ReadonlySet<SessionState> = new Set(['connected', 'reconnected', 'read-only']);

/**
 * Typed configuration at one node (a configuration center's client side): `config$` (current on
 * subscribe, then every change, each exactly once), `get()`, and `update(fn)` with optimistic
 * concurrency (read, `fn`, version-checked write; retried on conflict; creates the node and its
 * parents if missing; a lost reply is verified, never applied twice). One server watch per
 * client and path, shared with `watchData` subscribers; refCounted.
 *
 * **Connection loss.** On `suspended` (and `lost`) the last value stays in use as a local
 * snapshot: `config$` emits it again with `stale: true` and a growing `snapshotAgeMs`
 * (`snapshotAgeMs` getter: the live age). On `reconnected` the node is re-read; `stale` turns
 * false only once that re-read is in (one emission; plus the new value if it changed). With
 * `snapshotFile`, a process starting while ZooKeeper is unreachable gets the file's value
 * (`source: 'file'`, `stale: true`) until the server answers.
 *
 * @example
 * ```ts
 * interface Flags { darkMode: boolean; maxUploadMb: number }
 * await using flags = new ConfigStore<Flags>(client, '/app/flags', {
 *   defaultValue: { darkMode: false, maxUploadMb: 10 },
 * });
 * await flags.start({ timeoutMs: 5_000 });
 * flags.config$.subscribe((c) => console.log(c.value, c.stale ? `(stale ${c.snapshotAgeMs} ms)` : ''));
 * await flags.update((f) => ({ ...f!, maxUploadMb: f!.maxUploadMb * 2 }));
 * ```
 */
export class ConfigStore<T> implements AsyncDisposable {
  /** Current snapshot on subscribe, then each change of value or staleness. */
  readonly config$: Observable<ConfigSnapshot<T>>;
  private readonly decode: Decoder<T>;
  private readonly encode: (value: T) => Uint8Array | string;
  private latest: ConfigSnapshot<T> | undefined;
  private staleSince: number | null = null;
  private sub: Subscription | null = null;
  private failure: unknown;
  private lastWrite: { value: T; stat: Stat } | null = null;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly options: ConfigStoreOptions<T> = {},
  ) {
    assertPath(path);
    this.decode = options.decode ?? (json as Decoder<T>);
    this.encode = options.encode ?? ((v: T) => JSON.stringify(v));
    this.config$ = new Observable<ConfigSnapshot<T>>((subscriber) => this.run(subscriber)).pipe(
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }

  /** The latest snapshot (undefined before the first). */
  get current(): ConfigSnapshot<T> | undefined {
    return this.latest;
  }

  /** Live age of the snapshot in use: 0 while current. */
  get snapshotAgeMs(): number {
    return this.staleSince === null ? 0 : Date.now() - this.staleSince;
  }

  /** Starts watching (idempotent) and waits for the first snapshot (server or snapshot file). */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (!this.sub) {
      this.sub = this.config$.subscribe({
        error: (err: unknown) => {
          this.failure = err;
        },
      });
    }
    await firstMatch(this.config$, () => true, opts);
  }

  /**
   * The config. Started: the snapshot in use (no round trip), unless it is stale for longer than
   * `maxStalenessMs` (then a `StaleConfigError`). Not started: one read from the server.
   */
  async get(opts: WaitOptions & { maxStalenessMs?: number } = {}): Promise<T | undefined> {
    if (this.failure !== undefined) throw this.failure;
    if (this.sub && this.latest) {
      const age = this.snapshotAgeMs;
      if (opts.maxStalenessMs !== undefined && this.latest.stale && age > opts.maxStalenessMs) {
        throw new StaleConfigError(this.path, age);
      }
      const mine = this.lastWrite;
      const seen = this.latest.stat;
      // read-your-writes: our own update is newer than what the watch has delivered so far
      if (mine && seen && mine.stat.czxid === seen.czxid && mine.stat.mzxid > seen.mzxid) return mine.value;
      return this.latest.value;
    }
    try {
      const { data } = await this.client.getData(this.path, opts);
      return decodeOrThrow(this.decode, this.path, data);
    } catch (err) {
      if (err instanceof NoNodeError) return this.options.defaultValue;
      throw err;
    }
  }

  /**
   * Read-modify-write with a version check: `fn` gets the current config (or `defaultValue`)
   * and returns the new one; retried on conflicting writes (so `fn` may run more than once and
   * must not have side effects). Resolves with what was written; `get()` returns it at once
   * (read-your-writes), `config$` once the watch delivers it (normally a round trip later). A write whose reply was lost is
   * recognised by its bytes and not applied twice. Throws `UpdateConflictError` when the retry
   * policy gives up.
   */
  async update(fn: (current: T | undefined) => T, opts: WaitOptions = {}): Promise<{ value: T; stat: Stat }> {
    let written: T | undefined;
    const r = await optimisticUpdate(
      this.client,
      this.path,
      (bytes) => {
        const current =
          bytes === null ? this.options.defaultValue : decodeOrThrow(this.decode, this.path, bytes);
        written = fn(current);
        return Buffer.from(this.encode(written));
      },
      { ...opts, ...(this.options.retryPolicy ? { retryPolicy: this.options.retryPolicy } : {}) },
    );
    if (!r.succeeded || r.stat === null || r.postValue === null)
      throw new UpdateConflictError(this.path, r.attempts);
    this.lastWrite = { value: written as T, stat: r.stat };
    return { value: written as T, stat: r.stat };
  }

  /** Stops watching. Idempotent. */
  async close(): Promise<void> {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private run(subscriber: Subscriber<ConfigSnapshot<T>>): () => void {
    let node: CachedNode | null | undefined;
    let decoded: { value: T | undefined; exists: boolean; stat: Stat | null } | undefined;
    const emit = (source: 'server' | 'file' = 'server') => {
      if (!decoded) return;
      const stale = source === 'file' || this.staleSince !== null;
      const prev = this.latest;
      if (
        prev &&
        prev.source === source &&
        prev.stale === stale &&
        prev.stat === decoded.stat &&
        prev.exists === decoded.exists
      ) {
        if (!stale) return;
      }
      this.latest = { ...decoded, stale, snapshotAgeMs: this.snapshotAgeMs, source };
      subscriber.next(this.latest);
    };
    const file = this.options.snapshotFile;
    if (file) {
      const saved = readSnapshotFile(file, this.path);
      if (saved) {
        this.staleSince = saved.savedAt;
        decoded = this.decodeNode(saved.data === null ? null : { data: saved.data, stat: null });
        emit('file');
      }
    }
    if (this.staleSince === null && !CONNECTED.has(this.client.state)) this.staleSince = Date.now();
    const stateSub = this.client.state$.subscribe((s) => {
      if (s === 'suspended' || s === 'lost') {
        this.staleSince ??= Date.now();
        emit(this.latest?.source);
      }
    });
    const nodeSub = sharedNodeStream(this.client, this.path, 'one-shot').subscribe({
      next: (snap) => {
        try {
          if (snap.node !== node || decoded === undefined) decoded = this.decodeNode(snap.node);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        node = snap.node;
        if (snap.kind !== 'change' && CONNECTED.has(this.client.state)) this.staleSince = null;
        emit('server');
        if (file && this.staleSince === null) void writeSnapshotFile(file, this.path, node?.data ?? null);
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    return () => {
      stateSub.unsubscribe();
      nodeSub.unsubscribe();
    };
  }

  private decodeNode(node: { data: Buffer; stat: Stat | null } | null): {
    value: T | undefined;
    exists: boolean;
    stat: Stat | null;
  } {
    if (node === null) return { value: this.options.defaultValue, exists: false, stat: null };
    return { value: decodeOrThrow(this.decode, this.path, node.data), exists: true, stat: node.stat };
  }
}
