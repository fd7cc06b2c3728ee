/**
 * `zk-recipes locks <path>`: holders and waiters of a lock (Mutex / Curator InterProcessMutex),
 * a read/write lock (`__READ__`/`__WRIT__`) or a semaphore (`leases`/`locks` layout).
 *
 * @module
 */
import { type Participant, ReadWriteLock, Semaphore, Mutex } from '../../../recipes/locks/index.js';
import { NoNodeError } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { formatDuration, sessionHex, table } from '../format.js';

/** The kind of lock found at a path. */
export type LockKind = 'mutex' | 'read-write' | 'semaphore';

/**
 * Tells the lock kind from a lock node's children.
 *
 * @example
 * ```ts
 * detectLockKind(['leases', 'locks']); // 'semaphore'
 * ```
 */
export function detectLockKind(children: readonly string[]): LockKind {
  if (children.includes('leases') && children.includes('locks')) return 'semaphore';
  if (children.some((c) => c.includes('__READ__') || c.includes('__WRIT__'))) return 'read-write';
  return 'mutex';
}

/**
 * Lists the contenders of the lock at `path` in queue order. `AGE` is how long ago the
 * contender's node was created: for a holder, an upper bound of how long it has held the lock.
 *
 * @example
 * ```ts
 * await locksCommand(ctx); // zk-recipes locks /locks/orders
 * ```
 */
export async function locksCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path!;
  const { kind, maxLeases, participants } = await withClient(ctx, async (client) => {
    let children: string[];
    let data: Buffer;
    try {
      [children, { data }] = await Promise.all([client.getChildren(path), client.getData(path)]);
    } catch (err) {
      if (err instanceof NoNodeError) throw new CliError(`no node ${path}`);
      throw err;
    }
    const kind = detectLockKind(children);
    if (kind === 'semaphore') {
      const maxLeases = Number(data.toString()) || 1;
      return {
        kind,
        maxLeases,
        participants: await new Semaphore(client, path, { maxLeases }).participants(),
      };
    }
    const lock = kind === 'read-write' ? new ReadWriteLock(client, path) : new Mutex(client, path);
    return { kind, maxLeases: undefined, participants: await lock.participants() };
  });
  const now = Date.now();
  const rows = participants.map((p: Participant) => [
    p.role,
    p.kind,
    p.id,
    sessionHex(p.sessionId),
    formatDuration(now - p.ctimeMs),
    p.nodeName,
  ]);
  const holders = participants.filter((p) => p.role === 'holder').length;
  const summary = `${kind} ${path}${maxLeases ? ` (max ${maxLeases} leases)` : ''}: ${holders} holder(s), ${participants.length - holders} waiter(s)`;
  return {
    json: {
      path,
      kind,
      ...(maxLeases ? { maxLeases } : {}),
      participants: participants.map((p) => ({
        ...p,
        sessionId: sessionHex(p.sessionId),
        ageMs: now - p.ctimeMs,
      })),
    },
    text:
      participants.length === 0
        ? `${summary}\n(nobody holds or waits for it)`
        : `${summary}\n\n${table(['role', 'kind', 'id', 'session', 'age', 'node'], rows)}`,
  };
}
