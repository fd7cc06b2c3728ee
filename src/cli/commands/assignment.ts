/**
 * `zk-recipes assignment <path>`: which worker owns which item of a `WorkAssignment`.
 *
 * @module
 */
import { readWorkOwners, WorkPaths } from '../../../recipes/assignment/index.js';
import { NoNodeError } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { table } from '../format.js';

/**
 * Lists the workers with their items, and the unassigned items.
 *
 * @example
 * ```ts
 * await assignmentCommand(ctx); // zk-recipes assignment /logs
 * ```
 */
export async function assignmentCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path!;
  const paths = new WorkPaths(path);
  const { workers, items, owners } = await withClient(ctx, async (client) => {
    try {
      const [workers, items, owners] = await Promise.all([
        client.getChildren(paths.workers).catch((err: unknown) => {
          if (err instanceof NoNodeError) return [] as string[];
          throw err;
        }),
        client.getChildren(paths.items),
        readWorkOwners(client, path),
      ]);
      return { workers: workers.sort(), items: items.sort(), owners };
    } catch (err) {
      if (err instanceof NoNodeError) throw new CliError(`no work assignment at ${path} (no ${paths.items})`);
      throw err;
    }
  });
  const byWorker = new Map<string, string[]>(workers.map((w) => [w, []]));
  for (const [item, worker] of owners) byWorker.set(worker, [...(byWorker.get(worker) ?? []), item]);
  const unassigned = items.filter((i) => !owners.has(i));
  const rows = [...byWorker].map(([w, its]) => [
    w,
    workers.includes(w) ? 'live' : 'gone',
    String(its.length),
    its.join(', '),
  ]);
  const text = [
    `${path}: ${items.length} item(s), ${workers.length} worker(s), ${unassigned.length} unassigned`,
    '',
    table(['worker', 'member', 'items', 'owns'], rows),
    ...(unassigned.length ? ['', `unassigned: ${unassigned.join(', ')}`] : []),
  ].join('\n');
  return { json: { path, workers: Object.fromEntries(byWorker), unassigned }, text };
}
