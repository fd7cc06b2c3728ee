import type { MultiReadOp, MultiResult } from '../protocol/index.js';
import { errorFromCode, InvalidArgumentError } from './errors.js';
import { applyChroot, validatePath } from './paths.js';
import type { ReadOp, ReadResult } from './types.js';

/**
 * Checks `multiRead` ops and turns them into wire ops with the chroot applied.
 *
 * @throws InvalidArgumentError for a malformed op or path
 * @example
 * ```ts
 * multiReadOps([{ type: 'getData', path: '/a' }], '/app'); // [{ op: 'getData', path: '/app/a' }]
 * ```
 * @internal
 */
export function multiReadOps(ops: readonly ReadOp[], chroot: string): MultiReadOp[] {
  if (!Array.isArray(ops)) throw new InvalidArgumentError('multiRead needs an array of ops');
  return ops.map((o, i) => {
    if (o === null || typeof o !== 'object' || (o.type !== 'getData' && o.type !== 'getChildren')) {
      throw new InvalidArgumentError(`multiRead op ${i} must be { type: 'getData' | 'getChildren', path }`);
    }
    validatePath(o.path);
    return { op: o.type, path: applyChroot(chroot, o.path) };
  });
}

/**
 * Maps `multiRead` results to {@link ReadResult}s; a failed read becomes `{ type: 'error' }`
 * with the typed error and the op's client path.
 *
 * @example
 * ```ts
 * multiReadResults([{ type: 'error', err: -101 }], ops); // [{ type: 'error', error: NoNodeError }]
 * ```
 * @internal
 */
export function multiReadResults(results: readonly MultiResult[], ops: readonly ReadOp[]): ReadResult[] {
  return results.map((r, i): ReadResult => {
    if (r.type === 'getData') return { type: 'getData', data: r.data, stat: r.stat };
    if (r.type === 'getChildren') return { type: 'getChildren', children: r.children };
    if (r.type === 'error') return { type: 'error', error: errorFromCode(r.err, ops[i]?.path) };
    return {
      type: 'error',
      error: errorFromCode(-5, ops[i]?.path, { cause: `unexpected result '${r.type}'` }),
    };
  });
}
