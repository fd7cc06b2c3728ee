/**
 * `zk-recipes leader <path>`: the leader and candidates of a leader latch / selector
 * (Curator-compatible `latch-` nodes).
 *
 * @module
 */
import { LeaderLatch } from '../../../recipes/leader/index.js';
import { joinPath } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { formatDuration, sessionHex, table } from '../format.js';

/**
 * Lists the participants in line order with the leader marked.
 *
 * @example
 * ```ts
 * await leaderCommand(ctx); // zk-recipes leader /services/scheduler/leader
 * ```
 */
export async function leaderCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path!;
  const rows = await withClient(ctx, async (client) => {
    if (!(await client.exists(path))) throw new CliError(`no node ${path}`);
    // A latch that is never started only reads: it creates no node.
    const participants = await new LeaderLatch(client, path).participants();
    const stats = await Promise.all(participants.map((p) => client.exists(joinPath(path, p.node))));
    return participants.map((p, i) => ({ ...p, stat: stats[i] ?? null }));
  });
  const now = Date.now();
  const leader = rows.find((r) => r.isLeader);
  const summary = leader ? `leader of ${path}: ${leader.id}` : `${path}: no leader`;
  return {
    json: {
      path,
      leader: leader?.id ?? null,
      participants: rows.map((r) => ({
        id: r.id,
        node: r.node,
        isLeader: r.isLeader,
        sessionId: r.stat ? sessionHex(r.stat.ephemeralOwner) : null,
        ageMs: r.stat ? now - r.stat.ctime : null,
      })),
    },
    text:
      rows.length === 0
        ? `${summary} (no participants)`
        : `${summary}\n\n${table(
            ['role', 'id', 'session', 'age', 'node'],
            rows.map((r) => [
              r.isLeader ? 'leader' : 'candidate',
              r.id,
              r.stat ? sessionHex(r.stat.ephemeralOwner) : '?',
              r.stat ? formatDuration(now - r.stat.ctime) : '?',
              r.node,
            ]),
          )}`,
  };
}
