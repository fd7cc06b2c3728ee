/**
 * Protected creation (Curator's `withProtection()`): the node's name starts with
 * `_c_<uuid>-`, so a create whose reply was lost can be found again instead of being orphaned.
 *
 * Internal API:
 * - `protectedCreate(client, parentPath, name, { mode, data?, acl?, signal?, maxAttempts? })`
 *   → `Promise<ProtectedNode>` (`{ path, name, stat, uuid }`), creating
 *   `<parentPath>/_c_<uuid>-<name>` (plus ZooKeeper's counter for sequential modes). Parents are
 *   created as **container** nodes. Rules:
 *   - after a failure whose outcome is unknown (connection loss, request timeout, session expiry),
 *     the next attempt first `sync`s and lists the parent and looks for our uuid; a found node is
 *     reused, unless it is an ephemeral owned by another (older) session: that one is deleted
 *     (guaranteed) and a fresh create is done under a new uuid;
 *   - when attempts are exhausted (`maxAttempts`, default 10), a non-transient error follows an
 *     unknown outcome, or `signal` aborts after a create was sent, the orphan (any child with our
 *     uuid) is found and deleted in the background (`findAndDeleteProtected`), then the error (or
 *     `signal.reason`) is thrown;
 *   - NoNode on create (the container parent was reaped in between) is retried.
 * - `findProtected(client, parentPath, uuid)` → the child with that uuid (after a `sync`), or
 *   `undefined`.
 * - `findAndDeleteProtected(client, parentPath, uuid, { ephemeralOwner? })`: background cleanup;
 *   resolves when no child with the uuid is left (or the owner session / client is gone).
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  type Acl,
  ClientClosedError,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  type Stat,
  type ZooKeeperClient,
} from '../../src/index.js';
import { sleep } from './wait-signal.js';
import { guaranteedDelete } from './guaranteed-delete.js';
import { protectedPrefix } from './sequence.js';
import { isSessionGone } from './session-guard.js';
import { isTransientError, retryDelayMs } from './wait-for-delete.js';

/** Create modes a protected node may use. */
export type ProtectedMode = 'ephemeral-sequential' | 'persistent-sequential' | 'ephemeral' | 'persistent';

/** Options of {@link protectedCreate}. */
export interface ProtectedCreateOptions {
  mode: ProtectedMode;
  data?: Uint8Array | string | undefined;
  acl?: Acl[] | undefined;
  signal?: AbortSignal | undefined;
  /** Attempts after failures with an unknown outcome (default 10). */
  maxAttempts?: number | undefined;
}

/** A node created (or recovered) by {@link protectedCreate}. */
export interface ProtectedNode {
  /** Full path (client view, chroot stripped). */
  readonly path: string;
  /** The child name, e.g. `_c_<uuid>-lock-0000000004`. */
  readonly name: string;
  /** The node's stat (for an ephemeral, `ephemeralOwner` is the owning session). */
  readonly stat: Stat;
  /** The uuid in the protected prefix. */
  readonly uuid: string;
}

function isEphemeral(mode: ProtectedMode): boolean {
  return mode === 'ephemeral' || mode === 'ephemeral-sequential';
}

function isUnknownOutcome(err: unknown): boolean {
  return isTransientError(err) || err instanceof SessionExpiredError;
}

/**
 * Creates `<parentPath>/_c_<uuid>-<name>` so that a lost reply never leaves an orphan.
 *
 * @example
 * ```ts
 * const node = await protectedCreate(client, '/locks/orders', 'lock-', { mode: 'ephemeral-sequential', signal });
 * console.log(node.name); // _c_5d1c…-lock-0000000012
 * ```
 */
export async function protectedCreate(
  client: ZooKeeperClient,
  parentPath: string,
  name: string,
  options: ProtectedCreateOptions,
): Promise<ProtectedNode> {
  const { mode, data, acl, signal } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  let uuid = randomUUID();
  let uncertain = false;
  for (let attempt = 1; ; attempt++) {
    try {
      signal?.throwIfAborted();
      if (uncertain) {
        const found = await findProtected(client, parentPath, uuid);
        if (found && isEphemeral(mode) && found.stat.ephemeralOwner !== client.sessionId) {
          void guaranteedDelete(client, found.path, { ephemeralOwner: found.stat.ephemeralOwner });
          uuid = randomUUID();
          uncertain = false;
        } else if (found) {
          return found;
        } else {
          uncertain = false;
        }
      }
      const nodeName = `${protectedPrefix(uuid)}${name}`;
      const fullPath = parentPath === '/' ? `/${nodeName}` : `${parentPath}/${nodeName}`;
      uncertain = true;
      const created = await client.create(fullPath, data, {
        mode,
        createParents: 'container',
        ...(acl ? { acl } : {}),
        ...(signal ? { signal } : {}),
      });
      return { path: created.path, name: baseName(created.path), stat: created.stat, uuid };
    } catch (err) {
      if (signal?.aborted) {
        if (uncertain) void cleanup(client, parentPath, uuid, mode);
        throw signal.reason;
      }
      if (err instanceof NodeExistsError && !mode.endsWith('sequential') && attempt < maxAttempts) {
        continue; // our own earlier attempt created it: the next round finds it (uncertain is set)
      }
      if (err instanceof NoNodeError && attempt < maxAttempts) {
        uncertain = false; // the parent was reaped before the create: nothing was created
        continue;
      }
      if (isUnknownOutcome(err) && attempt < maxAttempts) {
        await sleep(retryDelayMs(attempt), signal).catch(() => {});
        continue;
      }
      if (uncertain && !(err instanceof ClientClosedError)) void cleanup(client, parentPath, uuid, mode);
      throw err;
    }
  }
}

function cleanup(
  client: ZooKeeperClient,
  parentPath: string,
  uuid: string,
  mode: ProtectedMode,
): Promise<void> {
  const owner = isEphemeral(mode) && client.sessionId !== 0n ? client.sessionId : undefined;
  return findAndDeleteProtected(client, parentPath, uuid, { ephemeralOwner: owner });
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Finds our child by uuid after a `sync` (so a lagging follower cannot hide it).
 *
 * @example
 * ```ts
 * const mine = await findProtected(client, '/locks/orders', uuid);
 * ```
 */
export async function findProtected(
  client: ZooKeeperClient,
  parentPath: string,
  uuid: string,
): Promise<ProtectedNode | undefined> {
  const prefix = protectedPrefix(uuid);
  let children: string[];
  try {
    await client.sync(parentPath);
    children = await client.getChildren(parentPath);
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
  const child = children.find((c) => c.startsWith(prefix));
  if (child === undefined) return undefined;
  const path = parentPath === '/' ? `/${child}` : `${parentPath}/${child}`;
  try {
    const { stat } = await client.getData(path);
    return { path, name: child, stat, uuid };
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
}

/**
 * Deletes every child of `parentPath` carrying our uuid, retrying in the background.
 *
 * @example
 * ```ts
 * void findAndDeleteProtected(client, '/locks/orders', uuid, { ephemeralOwner: client.sessionId });
 * ```
 */
export async function findAndDeleteProtected(
  client: ZooKeeperClient,
  parentPath: string,
  uuid: string,
  options: { ephemeralOwner?: bigint | undefined } = {},
): Promise<void> {
  const prefix = protectedPrefix(uuid);
  for (let attempt = 1; ; attempt++) {
    if (client.state === 'closed') return;
    if (options.ephemeralOwner !== undefined && isSessionGone(client, options.ephemeralOwner)) return;
    try {
      await client.sync(parentPath);
      const children = await client.getChildren(parentPath);
      const mine = children.filter((c) => c.startsWith(prefix));
      await Promise.all(
        mine.map((c) =>
          guaranteedDelete(client, parentPath === '/' ? `/${c}` : `${parentPath}/${c}`, {
            ephemeralOwner: options.ephemeralOwner,
          }),
        ),
      );
      return;
    } catch (err) {
      if (err instanceof NoNodeError || err instanceof ClientClosedError) return;
      if (!isUnknownOutcome(err)) return;
      await sleep(retryDelayMs(attempt));
    }
  }
}
