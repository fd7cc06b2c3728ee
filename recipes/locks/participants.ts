/**
 * Lists the holders and waiters of a lock-like recipe from its contender nodes.
 * @module
 */
import { NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { childPath, type LockDriver } from '../internal/lock-internals.js';
import { sortSequential } from '../internal/sequence.js';

/** One contender of a lock, semaphore or read/write lock. */
export interface Participant {
  /** Full path of its node (pass it to `revokeLock`). */
  readonly path: string;
  /** The node's name. */
  readonly nodeName: string;
  /** The node's sequence number (its place in the queue). */
  readonly sequence: number;
  /** `'holder'` owns the lock (or a lease); `'waiter'` is queued. */
  readonly role: 'holder' | 'waiter';
  /** The session the node belongs to. */
  readonly sessionId: bigint;
  /** When the node was created (epoch ms, server clock). */
  readonly ctimeMs: number;
  /** The node's data as UTF-8: the participant id given to the recipe (Curator: an address). */
  readonly id: string;
  /** The kind of node for read/write locks (`read`/`write`), else `lock`. */
  readonly kind: 'lock' | 'read' | 'write' | 'lease';
}

/**
 * Lists the contenders under `basePath` in queue order, with their role as `driver` decides it.
 * Nodes that vanish while being read are left out.
 *
 * @example
 * ```ts
 * const people = await listParticipants(client, '/locks/orders', driver, () => 'lock');
 * ```
 */
export async function listParticipants(
  client: ZooKeeperClient,
  basePath: string,
  driver: LockDriver,
  kindOf: (base: string) => Participant['kind'],
  opts: { signal?: AbortSignal } = {},
): Promise<Participant[]> {
  let children: string[];
  try {
    children = await client.getChildren(basePath, opts);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
  const contenders = sortSequential(children, driver.isContender);
  if (contenders.length === 0) return [];
  const reads = await client.multiRead(
    contenders.map((c) => ({ type: 'getData' as const, path: childPath(basePath, c.name) })),
    opts,
  );
  const out: Participant[] = [];
  contenders.forEach((c, i) => {
    const r = reads[i];
    if (r?.type !== 'getData') return;
    out.push({
      path: childPath(basePath, c.name),
      nodeName: c.name,
      sequence: c.sequence,
      role: driver.check(contenders, i).acquired ? 'holder' : 'waiter',
      sessionId: r.stat.ephemeralOwner,
      ctimeMs: r.stat.ctime,
      id: r.data.toString('utf8'),
      kind: kindOf(c.base),
    });
  });
  return out;
}
