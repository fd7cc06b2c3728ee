/**
 * Operations on whole subtrees, built on the public client operations: recursive delete,
 * `mkdirp`, and the missing-parents step of `create({ createParents })`.
 *
 * @module
 */
import type { Acl } from '../protocol/index.js';
import { NoNodeError, NodeExistsError, NotEmptyError } from './errors.js';
import { joinPath, parentPath } from './paths.js';
import type { CallOptions, CreateMode } from './types.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/** Rounds of "delete children, then the node" before deleteRecursive gives up. */
export const DELETE_RECURSIVE_MAX_ROUNDS = 10;

/** Deletes issued at once while clearing a node's children. */
const DELETE_CONCURRENCY = 32;

type TreeClient = Pick<ZooKeeperClient, 'create' | 'delete' | 'getChildren'>;

/**
 * Deletes `path` and everything below it, children first, tolerating nodes that others delete
 * meanwhile. Gives up with NotEmptyError after {@link DELETE_RECURSIVE_MAX_ROUNDS} rounds if
 * children keep appearing.
 *
 * @example
 * ```ts
 * await deleteTree(client, '/jobs', {});
 * ```
 */
export async function deleteTree(client: TreeClient, path: string, opts: CallOptions): Promise<void> {
  for (let round = 0; ; round++) {
    opts.signal?.throwIfAborted();
    try {
      await client.delete(path, opts);
      return;
    } catch (err) {
      if (err instanceof NoNodeError) return;
      if (!(err instanceof NotEmptyError) || round >= DELETE_RECURSIVE_MAX_ROUNDS) throw err;
    }
    let children: string[];
    try {
      children = await client.getChildren(path, opts);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    await forEachLimited(children, DELETE_CONCURRENCY, (name) =>
      deleteTree(client, joinPath(path, name), opts),
    );
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** How `ensurePath` creates the nodes it makes. */
export interface EnsureOptions extends CallOptions {
  /** Mode of missing ancestors: persistent or container. */
  parentMode: 'persistent' | 'container';
  /** ACL of the ancestors it creates. */
  parentAcl: readonly Acl[];
}

/**
 * Makes sure every ancestor of `path` exists (not `path` itself), creating the missing ones
 * top-down as `parentMode` nodes; NodeExists races are fine.
 *
 * @example
 * ```ts
 * await ensureParents(client, '/a/b/c', { parentMode: 'persistent', parentAcl: OPEN_ACL_UNSAFE });
 * ```
 */
export async function ensureParents(client: TreeClient, path: string, opts: EnsureOptions): Promise<void> {
  const parent = parentPath(path);
  if (parent === undefined || parent === '/') return;
  await ensureNode(client, parent, opts.parentMode, opts.parentAcl, opts);
}

/**
 * Creates `path` with `mode` unless it exists, creating missing ancestors first.
 *
 * @example
 * ```ts
 * await ensureNode(client, '/a/b', 'persistent', OPEN_ACL_UNSAFE, { parentMode: 'persistent', parentAcl: OPEN_ACL_UNSAFE });
 * ```
 */
export async function ensureNode(
  client: TreeClient,
  path: string,
  mode: CreateMode,
  acl: readonly Acl[],
  opts: EnsureOptions,
): Promise<void> {
  const call: CallOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  // Bounded: a NoNode means an ancestor vanished (e.g. a container reaped); recreate and retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await client.create(path, undefined, { ...call, mode, acl });
      return;
    } catch (err) {
      if (err instanceof NodeExistsError) return;
      if (!(err instanceof NoNodeError) || attempt >= 5) throw err;
    }
    await ensureParents(client, path, opts);
  }
}
