import type { CallOptions, ZooKeeperClient } from '../../src/index.js';
import { NodeExistsError, NoNodeError } from '../../src/index.js';
import { map, type Observable } from 'rxjs';
import { watchData } from '../cache/watch-data.js';
import { RecipeError } from '../internal/errors.js';
import { assertSegment, childPath } from '../internal/path-segment.js';

/**
 * How a {@link NamingService} turns values into node data and back.
 *
 * @example
 * ```ts
 * const hostPort: NameCodec<{ host: string; port: number }> = jsonCodec();
 * ```
 */
export interface NameCodec<T> {
  /** Value → node data. */
  encode(value: T): Uint8Array | string;
  /** Node data → value; a throw becomes a {@link NameDecodeError}. */
  decode(data: Buffer): T;
}

/**
 * UTF-8 strings (the default codec).
 *
 * @example
 * ```ts
 * new NamingService(client, '/dns', { codec: utf8Codec });
 * ```
 */
export const utf8Codec: NameCodec<string> = {
  encode: (v) => v,
  decode: (d) => d.toString('utf8'),
};

/**
 * JSON values, with an optional runtime check (for example a zod schema's `parse`).
 *
 * @example
 * ```ts
 * const codec = jsonCodec<{ host: string; port: number }>();
 * ```
 */
export function jsonCodec<T>(check?: (value: unknown) => T): NameCodec<T> {
  return {
    encode: (v) => JSON.stringify(v),
    decode: (d) => {
      const v: unknown = JSON.parse(d.toString('utf8'));
      return check ? check(v) : (v as T);
    },
  };
}

/**
 * `bind` without `overwrite` found the name already bound.
 *
 * @example
 * ```ts
 * try { await names.bind('db', 'h:1'); } catch (err) { if (err instanceof NameAlreadyBoundError) … }
 * ```
 */
export class NameAlreadyBoundError extends RecipeError {
  /** The name that was already bound. */
  readonly boundName: string;
  constructor(name: string, options?: ErrorOptions) {
    super(`name already bound: ${name}`, options);
    this.boundName = name;
  }
}

/**
 * A bound value could not be decoded with the service's codec.
 *
 * @example
 * ```ts
 * try { await names.resolve('db'); } catch (err) { if (err instanceof NameDecodeError) console.error(err.path); }
 * ```
 */
export class NameDecodeError extends RecipeError {
  /** The node whose data failed to decode. */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`cannot decode the value bound at ${path}`, { cause });
    this.path = path;
  }
}

/**
 * Options of {@link NamingService}.
 *
 * @example
 * ```ts
 * const opts: NamingServiceOptions<string> = { codec: utf8Codec };
 * ```
 */
export interface NamingServiceOptions<T> {
  /** Value encoding. Default {@link utf8Codec} (so `T` should be `string`). */
  codec?: NameCodec<T>;
}

/**
 * Names bound to values under one namespace node (the seed notes' naming service and DNS-style
 * lookup): each binding is a persistent child `<base>/<name>` whose data is the encoded value.
 * Names are single path segments (no `/`, not `.` or `..`). Lookups are plain reads; for a live
 * value use `resolve$` from `recipes/naming` (`watchName`), which follows every change.
 *
 * **Connection loss.** Every call is one request (or one multi), so `suspended` delays calls
 * until the connection is back or their timeout ends, and `lost` changes nothing (bindings are
 * persistent). `resolve$` keeps its last value while suspended and emits again only if the value
 * changed meanwhile.
 *
 * @example
 * ```ts
 * const dns = new NamingService(client, '/dns');
 * await dns.bind('db.internal', '10.0.0.5:5432');
 * await dns.resolve('db.internal'); // '10.0.0.5:5432'
 * await dns.list();                 // ['db.internal']
 * await dns.unbind('db.internal');
 * ```
 */
export class NamingService<T = string> {
  readonly #client: ZooKeeperClient;
  readonly #base: string;
  readonly #codec: NameCodec<T>;

  /**
   * @param client the client
   * @param basePath the namespace node (created on the first `bind`)
   * @param opts value codec
   */
  constructor(client: ZooKeeperClient, basePath: string, opts: NamingServiceOptions<T> = {}) {
    this.#client = client;
    this.#base = basePath;
    this.#codec = opts.codec ?? (utf8Codec as unknown as NameCodec<T>);
  }

  /** The namespace node. @example `names.basePath // '/dns'` */
  get basePath(): string {
    return this.#base;
  }

  /** The node path of a name (validates it). @example `names.pathOf('db') // '/dns/db'` */
  pathOf(name: string): string {
    assertSegment(name, 'name');
    return childPath(this.#base, name);
  }

  /**
   * Binds `name` to `value`. Rejects with {@link NameAlreadyBoundError} when it is bound, unless
   * `overwrite` is set (then the value is replaced; `version` makes that a compare-and-set).
   *
   * @example
   * ```ts
   * await names.bind('api', '10.0.0.7:8080', { overwrite: true });
   * ```
   */
  async bind(
    name: string,
    value: T,
    opts: CallOptions & { overwrite?: boolean; version?: number } = {},
  ): Promise<void> {
    const path = this.pathOf(name);
    const data = this.#codec.encode(value);
    const call = { signal: opts.signal, timeoutMs: opts.timeoutMs };
    try {
      await this.#client.create(path, data, { ...call, mode: 'persistent', createParents: true });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      if (!opts.overwrite) throw new NameAlreadyBoundError(name, { cause: err });
      await this.#client.setData(path, data, { ...call, version: opts.version ?? -1 });
    }
  }

  /**
   * The value bound to `name`, or `null` when it is not bound.
   *
   * @example
   * ```ts
   * const addr = await names.resolve('api');
   * ```
   */
  async resolve(name: string, opts: CallOptions = {}): Promise<T | null> {
    const path = this.pathOf(name);
    try {
      const { data } = await this.#client.getData(path, opts);
      return this.decode(path, data);
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  /**
   * Every bound name, sorted (empty when the namespace does not exist).
   *
   * @example
   * ```ts
   * for (const name of await names.list()) console.log(name);
   * ```
   */
  async list(opts: CallOptions = {}): Promise<string[]> {
    try {
      return (await this.#client.getChildren(this.#base, opts)).sort();
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  /**
   * Every binding, read in one multi-read (names unbound meanwhile are left out).
   *
   * @example
   * ```ts
   * const all = await names.entries(); // Map { 'api' => '10.0.0.7:8080' }
   * ```
   */
  async entries(opts: CallOptions = {}): Promise<Map<string, T>> {
    const names = await this.list(opts);
    const out = new Map<string, T>();
    if (names.length === 0) return out;
    const results = await this.#client.multiRead(
      names.map((n) => ({ type: 'getData' as const, path: this.pathOf(n) })),
      opts,
    );
    results.forEach((r, i) => {
      const name = names[i]!;
      if (r.type === 'getData') out.set(name, this.decode(this.pathOf(name), r.data));
    });
    return out;
  }

  /**
   * Removes a binding. Resolves `true` when it existed, `false` when it did not; `version`
   * makes it conditional (a `BadVersionError` when the value changed).
   *
   * @example
   * ```ts
   * await names.unbind('api');
   * ```
   */
  async unbind(name: string, opts: CallOptions & { version?: number } = {}): Promise<boolean> {
    try {
      await this.#client.delete(this.pathOf(name), opts);
      return true;
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
  }

  /**
   * The value bound to `name` as a live stream: the current value (or `null` while unbound) on
   * subscribe, then every change (a `watchData` stream: one shared server watch per path, removed
   * by the last unsubscribe). An undecodable value is an error notification with a
   * {@link NameDecodeError}.
   *
   * @example
   * ```ts
   * names.resolve$('db').subscribe((addr) => reconnectPool(addr));
   * ```
   */
  resolve$(name: string): Observable<T | null> {
    const path = this.pathOf(name);
    return watchData(this.#client, path).pipe(map((v) => (v === null ? null : this.decode(path, v.data))));
  }

  /**
   * Decodes node data with the service's codec (throws {@link NameDecodeError}).
   *
   * @example
   * ```ts
   * const v = names.decode('/dns/api', data);
   * ```
   */
  decode(path: string, data: Buffer): T {
    try {
      return this.#codec.decode(data);
    } catch (err) {
      throw new NameDecodeError(path, err);
    }
  }
}
