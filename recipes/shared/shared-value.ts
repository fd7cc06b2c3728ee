import { filter, map, type Observable, shareReplay, type Subscription } from 'rxjs';
import {
  BadVersionError,
  NodeExistsError,
  NoNodeError,
  type Stat,
  type ZooKeeperClient,
} from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { assertPath } from '../cache/cache-paths.js';
import type { Decoder } from '../cache/decoders.js';
import { firstMatch } from '../cache/first-match.js';
import { watchData } from '../cache/watch-data.js';

/**
 * A value with the node version it was read at (Curator's `VersionedValue`); pass `version` to
 * `trySetValue` for compare-and-set.
 *
 * @example
 * ```ts
 * const { value, version } = shared.getVersionedValue();
 * ```
 */
export interface VersionedValue<T> {
  readonly value: T;
  readonly version: number;
  readonly stat: Stat;
}

/**
 * Options of {@link SharedValue}.
 *
 * @example
 * ```ts
 * const opts: SharedValueOptions<string> = { seed: 'blue', decode: utf8, encode: (s) => Buffer.from(s) };
 * ```
 */
export interface SharedValueOptions<T> {
  /** Value the node is created with when it does not exist. */
  seed: T;
  decode: Decoder<T>;
  encode: (value: T) => Buffer;
}

/**
 * A value shared by every process (Curator's `SharedValue`): `value$` (current on subscribe,
 * then each change), a synchronous `getValue()`, `setValue` and compare-and-set
 * `trySetValue(newValue, expectedVersion)` (true when the version still matched). The node is
 * created with `seed` on `start()` if missing. Your own successful writes are visible at once in
 * `getVersionedValue()` (read-your-writes); other processes' writes arrive through the watch.
 *
 * **Connection loss.** On `suspended` the last value is kept and nothing is emitted; writes
 * fail with the client's connection errors. On `reconnected` (same or new session) the value is
 * read again and emitted only if it changed. A `Disconnect/Reconnect` never fires a spurious
 * change (Curator's `testDisconnectReconnectEventDoesNotFireValueWatcher`).
 *
 * @example
 * ```ts
 * await using color = new SharedValue(client, '/app/color', {
 *   seed: 'blue', decode: utf8, encode: (s) => Buffer.from(s),
 * });
 * await color.start();
 * const v = color.getVersionedValue();
 * if (!(await color.trySetValue('green', v.version))) console.log('someone else changed it');
 * ```
 */
export class SharedValue<T> implements AsyncDisposable {
  /** Current value on subscribe, then each change (values with the version they were read at). */
  readonly value$: Observable<VersionedValue<T>>;
  private latest: VersionedValue<T> | null = null;
  private sub: Subscription | null = null;
  private failure: unknown;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly options: SharedValueOptions<T>,
  ) {
    assertPath(path);
    this.value$ = watchData(client, path, { decode: options.decode }).pipe(
      filter((v) => v !== null),
      map((v) => ({ value: v.data, version: v.stat.version, stat: v.stat })),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }

  /** Creates the node with the seed if missing, starts watching, waits for the first value. */
  async start(opts: WaitOptions = {}): Promise<void> {
    try {
      await this.client.create(this.path, this.options.encode(this.options.seed), { createParents: true });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
    if (!this.sub) {
      this.sub = this.value$.subscribe({
        next: (v) => this.remember(v),
        error: (err: unknown) => {
          this.failure = err;
        },
      });
    }
    await firstMatch(this.value$, () => true, opts);
  }

  /** The cached value; throws before `start()` resolved. */
  getValue(): T {
    return this.getVersionedValue().value;
  }

  /** The cached value with its version; throws before `start()` resolved. */
  getVersionedValue(): VersionedValue<T> {
    if (this.failure !== undefined) throw this.failure;
    if (!this.latest) throw new Error(`SharedValue ${this.path} is not started`);
    return this.latest;
  }

  /** Sets the value unconditionally (re-creating the node if it was deleted). */
  async setValue(value: T, opts: WaitOptions = {}): Promise<void> {
    const bytes = this.options.encode(value);
    try {
      this.remember({ value, version: 0, stat: await this.client.setData(this.path, bytes, opts) });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      const created = await this.client.create(this.path, bytes, { ...opts, createParents: true });
      this.remember({ value, version: created.stat.version, stat: created.stat });
    }
  }

  /**
   * Compare-and-set: writes `value` only if the node is still at `expectedVersion` (a number, or
   * a `VersionedValue` from `getVersionedValue()`). Resolves false when someone wrote first.
   */
  async trySetValue(
    value: T,
    expectedVersion: number | VersionedValue<T>,
    opts: WaitOptions = {},
  ): Promise<boolean> {
    const version = typeof expectedVersion === 'number' ? expectedVersion : expectedVersion.version;
    if (!Number.isInteger(version) || version < 0)
      throw new RangeError(`expectedVersion must be >= 0, got ${version}`);
    const bytes = this.options.encode(value);
    try {
      const stat = await this.client.setData(this.path, bytes, { ...opts, version });
      this.remember({ value, version: stat.version, stat });
      return true;
    } catch (err) {
      if (err instanceof BadVersionError || err instanceof NoNodeError) return false;
      throw err;
    }
  }

  /** Stops watching. Idempotent. */
  async close(): Promise<void> {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private remember(v: VersionedValue<T>): void {
    const prev = this.latest;
    if (prev && prev.stat.czxid === v.stat.czxid && prev.stat.mzxid > v.stat.mzxid) return;
    this.latest = { value: v.value, version: v.stat.version, stat: v.stat };
  }
}
