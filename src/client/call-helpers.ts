import type { Response } from '../protocol/index.js';
import { errorFromCode, ZooKeeperError } from './errors.js';
import type { CallOptions } from './types.js';

/**
 * Only the signal and timeout of a call's options (what the engine takes).
 *
 * @example
 * ```ts
 * engine.request(req, callOpts({ mode: 'ephemeral', timeoutMs: 500 })); // { timeoutMs: 500 }
 * ```
 * @internal
 */
export function callOpts(opts: CallOptions): CallOptions {
  const out: CallOptions = {};
  if (opts.signal !== undefined) out.signal = opts.signal;
  if (opts.timeoutMs !== undefined) out.timeoutMs = opts.timeoutMs;
  return out;
}

/**
 * Server errors carry the server path; this gives the client's (chroot-relative) path instead,
 * keeping the original as `cause`. Other errors pass through.
 *
 * @example
 * ```ts
 * throw withClientPath(err, '/a');
 * ```
 * @internal
 */
export function withClientPath(err: unknown, clientPath: string | undefined): unknown {
  if (clientPath === undefined || !(err instanceof ZooKeeperError) || err.path === undefined) return err;
  if (err.path === clientPath) return err;
  return errorFromCode(err.code, clientPath, { cause: err });
}

/**
 * The error for a reply whose kind does not match the request (a codec or server bug).
 *
 * @example
 * ```ts
 * if (res.op !== 'getData') throw unexpectedReply(res, path);
 * ```
 * @internal
 */
export function unexpectedReply(res: Response, path?: string): Error {
  return errorFromCode(-5, path, { cause: `unexpected reply '${res.op}'` });
}
