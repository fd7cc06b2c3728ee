import type { CallOptions, ZooKeeperClient } from '../../src/index.js';
import { InvalidArgumentError } from '../../src/index.js';
import { RecipeError } from '../internal/errors.js';

/**
 * The parent's sequence counter (a signed 32-bit number) has run out: no more ids can be made
 * under this path. Use a new path (for example with a generation suffix).
 *
 * @example
 * ```ts
 * try { await ids.nextId(); } catch (err) { if (err instanceof IdSpaceExhaustedError) rotate(); }
 * ```
 */
export class IdSpaceExhaustedError extends RecipeError {}

/**
 * Options of {@link IdGenerator}.
 *
 * @example
 * ```ts
 * new IdGenerator(client, '/ids/orders', { prefix: 'order-' });
 * ```
 */
export interface IdGeneratorOptions {
  /** Name prefix of the short-lived sequential nodes. Default `'id-'`. */
  prefix?: string;
}

/**
 * Unique, ordered ids from ZooKeeper sequential nodes (the naming-service recipe).
 *
 * How it works: `nextId()` creates an ephemeral-sequential child `<path>/<prefix>NNNNNNNNNN` and
 * returns its sequence number; `nextIds(n)` creates n children in one multi and returns n
 * consecutive numbers. The children are deleted right after, in the background and batched into
 * one multi, so the parent never fills up; they are ephemeral, so a crash before the delete
 * leaves nothing behind after the session ends. The server derives the sequence from the
 * parent's child version (`cversion`), which every create and delete under the parent bumps, so:
 * - ids are unique and strictly increasing in ZooKeeper's total order (an id obtained after
 *   another one completed is larger), across all clients of the ensemble;
 * - ids have gaps (deletes consume numbers too); a batch is contiguous;
 * - the parent is created as a PERSISTENT node and must never be deleted: a re-created parent
 *   starts again at 0. About 1 billion ids fit under one parent; then the counter wraps and
 *   {@link IdSpaceExhaustedError} is thrown instead of a wrong id.
 *
 * Connection loss: a create whose reply is lost is retried by the caller's choice (the call
 * rejects with the client's error); the number it may have consumed is simply skipped. Nothing
 * here depends on the session, so `suspended` only delays calls and `lost` changes nothing.
 *
 * @example
 * ```ts
 * const ids = new IdGenerator(client, '/ids/orders');
 * const id = await ids.nextId();            // e.g. 42
 * const batch = await ids.nextIds(100);     // 100 consecutive ids in one round trip
 * await ids.close();                        // waits for the background deletes
 * ```
 */
export class IdGenerator implements AsyncDisposable {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #prefix: string;
  #parentReady = false;
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  /**
   * @param client a connected or connecting client
   * @param path the parent node (created if missing)
   * @param opts node name prefix
   */
  constructor(client: ZooKeeperClient, path: string, opts: IdGeneratorOptions = {}) {
    const prefix = opts.prefix ?? 'id-';
    if (prefix.includes('/') || /\d$/.test(prefix)) {
      throw new InvalidArgumentError(
        `prefix must not contain '/' or end with a digit: ${JSON.stringify(prefix)}`,
      );
    }
    this.#client = client;
    this.#path = path;
    this.#prefix = prefix;
  }

  /**
   * One new id.
   *
   * @example
   * ```ts
   * const id = await ids.nextId({ timeoutMs: 2000 });
   * ```
   */
  async nextId(opts: CallOptions = {}): Promise<number> {
    const [id] = await this.nextIds(1, opts);
    return id!;
  }

  /**
   * `count` new consecutive ids, made in one multi (one round trip).
   *
   * @example
   * ```ts
   * const [first, ...rest] = await ids.nextIds(10);
   * ```
   */
  async nextIds(count: number, opts: CallOptions = {}): Promise<number[]> {
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new InvalidArgumentError(`count must be an integer in 1..10000, got ${String(count)}`);
    }
    if (this.#closed) throw new RecipeError('IdGenerator is closed');
    await this.#ensureParent(opts);
    const base = `${this.#path}/${this.#prefix}`;
    let paths: string[];
    if (count === 1) {
      paths = [(await this.#client.create(base, '', { ...opts, mode: 'ephemeral-sequential' })).path];
    } else {
      const tx = this.#client.multi();
      for (let i = 0; i < count; i++) tx.create(base, '', { mode: 'ephemeral-sequential' });
      const results = await tx.commit(opts);
      paths = results.map((r) => (r.type === 'create' ? r.path : ''));
    }
    const ids = paths.map((p) => this.#parse(p));
    this.#pending.push(...paths);
    void this.#flush();
    if (ids.some((id) => id < 0))
      throw new IdSpaceExhaustedError(`sequence counter of ${this.#path} wrapped`);
    return ids;
  }

  /**
   * Waits for the background deletes, then refuses further calls. Idempotent.
   *
   * @example
   * ```ts
   * await ids.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing || this.#pending.length > 0) await (this.#flushing ?? this.#flush());
  }

  /** Same as {@link IdGenerator.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #ensureParent(opts: CallOptions): Promise<void> {
    if (this.#parentReady) return;
    await this.#client.mkdirp(this.#path, { ...opts, mode: 'persistent' });
    this.#parentReady = true;
  }

  #parse(path: string): number {
    const suffix = path.slice(path.lastIndexOf('/') + 1 + this.#prefix.length);
    const id = Number.parseInt(suffix, 10);
    if (!Number.isSafeInteger(id)) throw new RecipeError(`unexpected sequential node name ${path}`);
    return id;
  }

  #flush(): Promise<void> {
    if (this.#flushing || this.#pending.length === 0) return this.#flushing ?? Promise.resolve();
    const batch = this.#pending.splice(0, 1000);
    this.#flushing = this.#deleteAll(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#pending.length > 0) void this.#flush();
    });
    return this.#flushing;
  }

  async #deleteAll(paths: string[]): Promise<void> {
    try {
      const tx = this.#client.multi();
      for (const p of paths) tx.delete(p);
      await tx.commit();
    } catch {
      // One missing node fails the whole multi: fall back to single deletes; anything left is
      // ephemeral and goes away with the session.
      await Promise.all(paths.map((p) => this.#client.delete(p).catch(() => {})));
    }
  }
}
