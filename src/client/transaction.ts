import type { Acl, MultiOp, MultiResult, Request, Response } from '../protocol/index.js';
import { toData, wireVersion } from './arguments.js';
import { createRequest } from './create-request.js';
import { errorFromCode, InvalidArgumentError, type ZooKeeperError } from './errors.js';
import { applyChroot, stripChroot, validatePath } from './paths.js';
import type { CallOptions, OpOutcome, OpResult, TransactionCreateOptions } from './types.js';

/**
 * An all-or-nothing batch of writes (`multi`): either every op is applied, in order, or none.
 * Build it with `client.multi()`, chain ops, then `commit()`. Arguments are checked as each op
 * is added (InvalidArgumentError, thrown at once); nothing is sent before `commit()`.
 *
 * @example
 * ```ts
 * const [created] = await client
 *   .multi()
 *   .check('/config', stat.version)
 *   .create('/config/v-', 'x', { mode: 'persistent-sequential' })
 *   .setData('/config', 'next', { version: stat.version })
 *   .commit();
 * ```
 */
export interface Transaction {
  /**
   * Adds a create; every mode works, including container and TTL modes. The result's `stat` is
   * set when the server sends one (container and TTL creates; ZooKeeper 3.8 sends none for the
   * other modes inside a multi).
   */
  create(path: string, data?: Uint8Array | string, opts?: TransactionCreateOptions): this;
  /** Adds a delete; `version` 0 is a real version, absent means any. */
  delete(path: string, opts?: { version?: number }): this;
  /** Adds a setData; `version` 0 is a real version, absent means any. */
  setData(path: string, data: Uint8Array | string, opts?: { version?: number }): this;
  /** Adds a version check: the transaction fails unless the node has this version. */
  check(path: string, version: number): this;
  /** The number of ops added so far. */
  readonly size: number;
  /**
   * Sends the ops as one request. Resolves to one result per op; on failure rejects with the
   * first failing op's ZooKeeperError, whose `results` holds every op's {@link OpOutcome} and
   * `failedOpIndex` the failing op's index.
   */
  commit(opts?: CallOptions): Promise<OpResult[]>;
}

/** What a transaction needs from its client. @internal */
export interface TransactionContext {
  readonly chroot: string;
  readonly defaultAcl: readonly Acl[];
  readonly maxDataBytes: number;
  send(req: Request, opts?: CallOptions): Promise<Response>;
}

/**
 * The {@link Transaction} behind `client.multi()`.
 *
 * @example
 * ```ts
 * await new TransactionBuilder(ctx).create('/a').delete('/b').commit();
 * ```
 * @internal
 */
export class TransactionBuilder implements Transaction {
  readonly #ctx: TransactionContext;
  readonly #ops: MultiOp[] = [];
  readonly #paths: string[] = [];
  #dataBytes = 0;
  #committed = false;

  constructor(ctx: TransactionContext) {
    this.#ctx = ctx;
  }

  get size(): number {
    return this.#ops.length;
  }

  create(path: string, data?: Uint8Array | string, opts: TransactionCreateOptions = {}): this {
    const req = createRequest(path, data, opts, this.#ctx);
    this.#count(req.data);
    this.#push(path, req);
    return this;
  }

  delete(path: string, opts: { version?: number } = {}): this {
    validatePath(path);
    const version = wireVersion(opts.version);
    this.#push(path, { op: 'delete', path: applyChroot(this.#ctx.chroot, path), version });
    return this;
  }

  setData(path: string, data: Uint8Array | string, opts: { version?: number } = {}): this {
    validatePath(path);
    const version = wireVersion(opts.version);
    const buf = this.#data(data);
    this.#push(path, { op: 'setData', path: applyChroot(this.#ctx.chroot, path), data: buf, version });
    return this;
  }

  check(path: string, version: number): this {
    validatePath(path);
    if (version === undefined) throw new InvalidArgumentError('check needs a version');
    this.#push(path, {
      op: 'check',
      path: applyChroot(this.#ctx.chroot, path),
      version: wireVersion(version),
    });
    return this;
  }

  async commit(opts: CallOptions = {}): Promise<OpResult[]> {
    if (this.#committed) throw new InvalidArgumentError('this transaction was already committed');
    this.#committed = true;
    const res = await this.#ctx.send({ op: 'multi', ops: this.#ops }, opts);
    if (res.op !== 'multi')
      throw errorFromCode(-5, undefined, { cause: `unexpected reply ${res.op} to multi` });
    return this.#results(res.results);
  }

  #data(data: Uint8Array | string | undefined): Buffer {
    return this.#count(toData(data, this.#ctx.maxDataBytes));
  }

  #count(buf: Buffer): Buffer {
    if (this.#dataBytes + buf.length > this.#ctx.maxDataBytes) {
      throw new InvalidArgumentError(
        `transaction data totals ${this.#dataBytes + buf.length} bytes, over the limit of ${this.#ctx.maxDataBytes}`,
      );
    }
    this.#dataBytes += buf.length;
    return buf;
  }

  #push(path: string, op: MultiOp): void {
    if (this.#committed) throw new InvalidArgumentError('this transaction was already committed');
    this.#ops.push(op);
    this.#paths.push(path);
  }

  #results(results: MultiResult[]): OpResult[] {
    const failedOpIndex = results.findIndex((r) => r.type === 'error' && r.err !== 0);
    if (failedOpIndex < 0) return results.map((r, i) => this.#result(r, i));
    const outcomes: OpOutcome[] = results.map((r, i) => {
      if (r.type !== 'error') return this.#result(r, i);
      return { type: 'error', code: r.err, error: r.err === 0 ? null : errorFromCode(r.err, this.#paths[i]) };
    });
    const error = (outcomes[failedOpIndex] as { error: ZooKeeperError }).error;
    error.results = outcomes;
    error.failedOpIndex = failedOpIndex;
    throw error;
  }

  #result(r: MultiResult, i: number): OpResult {
    switch (r.type) {
      case 'create':
      case 'create2': {
        const path = stripChroot(this.#ctx.chroot, r.path) ?? r.path;
        return r.type === 'create2' ? { type: 'create', path, stat: r.stat } : { type: 'create', path };
      }
      case 'delete':
        return { type: 'delete' };
      case 'setData':
        return { type: 'setData', stat: r.stat };
      case 'check':
        return { type: 'check' };
      default:
        throw errorFromCode(-5, this.#paths[i], { cause: `unexpected result ${r.type} for a multi op` });
    }
  }
}
