/**
 * The client's `mkdirp`: makes sure a node exists, creating it and its missing ancestors, on top
 * of the public operations (`create`) and the subtree helpers of `tree-ops.ts`.
 *
 * @module
 */
import type { Acl } from '../protocol/index.js';
import { validateAcl } from './acl.js';
import { modeInfo } from './arguments.js';
import { callOpts } from './call-helpers.js';
import { InvalidArgumentError, NodeExistsError } from './errors.js';
import { ensureNode, ensureParents } from './tree-ops.js';
import type { CreateOptions } from './types.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/**
 * Creates `path` (mode `opts.mode`, default persistent) unless it exists, creating missing
 * ancestors first as persistent nodes, or containers when `opts.createParents` is
 * `'container'` or the node itself is a container. `path` is already validated.
 *
 * @throws InvalidArgumentError for a sequential mode or a bad ACL
 * @example
 * ```ts
 * await mkdirp(client, '/app/config', { mode: 'persistent' }, OPEN_ACL_UNSAFE);
 * ```
 */
export async function mkdirp(
  client: Pick<ZooKeeperClient, 'create' | 'delete' | 'getChildren'>,
  path: string,
  opts: CreateOptions,
  defaultAcl: readonly Acl[],
): Promise<void> {
  const mode = opts.mode ?? 'persistent';
  if (modeInfo(mode, opts.ttlMs).sequential)
    throw new InvalidArgumentError('mkdirp cannot create sequential nodes');
  if (path === '/') return;
  const acl = opts.acl ?? defaultAcl;
  validateAcl(acl);
  const parentMode = opts.createParents === 'container' || mode === 'container' ? 'container' : 'persistent';
  const ensure = { ...callOpts(opts), parentMode, parentAcl: defaultAcl } as const;
  if (opts.ttlMs === undefined) return ensureNode(client, path, mode, acl, ensure);
  // TTL nodes: the generic ensureNode passes no ttl, so create directly with it.
  await ensureParents(client, path, ensure);
  await client
    .create(path, undefined, { ...callOpts(opts), mode, acl, ttlMs: opts.ttlMs })
    .catch((err: unknown) => {
      if (!(err instanceof NodeExistsError)) throw err;
    });
}
