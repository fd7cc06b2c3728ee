import type { Acl, Request } from '../protocol/index.js';
import { validateAcl } from './acl.js';
import { modeInfo, toData } from './arguments.js';
import { InvalidArgumentError } from './errors.js';
import { applyChroot, validatePath } from './paths.js';
import type { TransactionCreateOptions } from './types.js';

/** What {@link createRequest} needs from the client. @internal */
export interface CreateContext {
  chroot: string;
  defaultAcl: readonly Acl[];
  maxDataBytes: number;
}

/**
 * Checks a create's arguments and builds its request: `create2` for the plain modes (so every
 * create returns a Stat), `createContainer` (19) for containers, `createTTL` (21) for TTL modes.
 *
 * @throws InvalidArgumentError for a bad path, mode, TTL, ACL or data
 * @example
 * ```ts
 * createRequest('/a-', 'x', { mode: 'ephemeral-sequential' }, ctx);
 * // { op: 'create2', path: '/app/a-', data, acl, flags: 3 }
 * ```
 * @internal
 */
export function createRequest(
  path: string,
  data: Uint8Array | string | undefined,
  opts: TransactionCreateOptions,
  ctx: CreateContext,
): Extract<Request, { acl: Acl[]; data: Buffer }> {
  const mode = modeInfo(opts.mode, opts.ttlMs);
  validatePath(path, mode.sequential);
  if (path === '/') throw new InvalidArgumentError('cannot create the root node');
  const acl = opts.acl ?? ctx.defaultAcl;
  validateAcl(acl);
  const base = { path: applyChroot(ctx.chroot, path), data: toData(data, ctx.maxDataBytes), acl: [...acl] };
  if (mode.ttl) return { op: 'createTTL', ...base, flags: mode.flags, ttl: BigInt(opts.ttlMs ?? 0) };
  if (opts.mode === 'container') return { op: 'createContainer', ...base, flags: mode.flags };
  return { op: 'create2', ...base, flags: mode.flags };
}
