/**
 * `zk-recipes queue <path>`: depth, items in flight and the oldest item's age of a queue
 * (FIFO `qn-`, priority `pq-`, delay, or the locking queue's `entries`/`taken` layout).
 *
 * @module
 */
import {
  delayNaming,
  fifoNaming,
  lockingNaming,
  priorityNaming,
  type QueueNaming,
  toSortedEntries,
} from '../../../recipes/queues/queue-naming.js';
import { joinPath, NoNodeError, type ZooKeeperClient } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { formatDuration, table } from '../format.js';

/** What `queue` reports. */
export interface QueueReport {
  path: string;
  layout: 'locking' | 'simple';
  depth: number;
  /** Locking queue: items taken and not yet completed. */
  inFlight: number;
  /** The item first in line (in take order: priority, due time, then sequence). */
  head: string | null;
  /** Age of the oldest item (server clock), or null when empty. */
  oldestAgeMs: number | null;
  oldest: string | null;
}

const MAX_STATS = 5_000;

async function oldestOf(
  client: ZooKeeperClient,
  dir: string,
  names: readonly string[],
): Promise<{ name: string; ctime: number } | null> {
  const sample = names.slice(0, MAX_STATS);
  const stats = await Promise.all(sample.map((n) => client.exists(joinPath(dir, n))));
  let best: { name: string; ctime: number } | null = null;
  stats.forEach((s, i) => {
    if (s && (!best || s.ctime < best.ctime)) best = { name: sample[i]!, ctime: s.ctime };
  });
  return best;
}

function inTakeOrder(namings: readonly QueueNaming[], names: readonly string[]): string[] {
  let best: string[] = [];
  for (const naming of namings) {
    const sorted = toSortedEntries(naming, names).map((e) => e.name);
    if (sorted.length > best.length) best = sorted;
  }
  return best;
}

/**
 * Reads the queue's state.
 *
 * @example
 * ```ts
 * await queueCommand(ctx); // zk-recipes queue /jobs
 * ```
 */
export async function queueCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path!;
  const report = await withClient(ctx, async (client): Promise<QueueReport> => {
    let children: string[];
    try {
      children = await client.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) throw new CliError(`no node ${path}`);
      throw err;
    }
    const locking = children.includes('entries');
    const dir = locking ? joinPath(path, 'entries') : path;
    const names = locking ? await client.getChildren(dir).catch(() => []) : children;
    // Items only (not the producers' put receipts), in take order, whichever naming the queue uses.
    const items = inTakeOrder(locking ? [lockingNaming] : [fifoNaming, priorityNaming, delayNaming], names);
    const taken = locking ? await client.getChildren(joinPath(path, 'taken')).catch(() => []) : [];
    const oldest = await oldestOf(client, dir, items);
    return {
      path,
      layout: locking ? 'locking' : 'simple',
      depth: items.length,
      inFlight: taken.length,
      head: items[0] ?? null,
      oldestAgeMs: oldest ? Date.now() - oldest.ctime : null,
      oldest: oldest?.name ?? null,
    };
  });
  const rows = [
    ['layout', report.layout === 'locking' ? 'locking queue (entries/taken)' : 'queue (items as children)'],
    ['depth', String(report.depth)],
    ...(report.layout === 'locking' ? [['in flight', String(report.inFlight)]] : []),
    ['head', report.head ?? '-'],
    [
      'oldest item',
      report.oldest ? `${report.oldest} (${formatDuration(report.oldestAgeMs ?? 0)} old)` : '-',
    ],
  ];
  return { json: report, text: `queue ${path}\n\n${table(['', ''], rows).split('\n').slice(1).join('\n')}` };
}
