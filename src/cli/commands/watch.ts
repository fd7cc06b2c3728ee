/**
 * `zk-recipes watch <path> [--recursive]`: streams changes until Ctrl-C (a persistent watch).
 *
 * @module
 */
import { NoNodeError, type WatchEvent, type ZooKeeperClient } from '../../index.js';
import { type CliContext, withClient } from '../cli-context.js';
import { untilAborted } from '../until-aborted.js';
import { displayData, toJson } from '../format.js';

interface Change {
  at: string;
  type: WatchEvent['type'] | 'initial' | 'session';
  path: string;
  data?: string | null;
  children?: string[];
  state?: string;
}

async function describe(client: ZooKeeperClient, event: WatchEvent): Promise<Change> {
  const change: Change = { at: new Date().toISOString(), type: event.type, path: event.path };
  try {
    if (event.type === 'created' || event.type === 'data-changed') {
      change.data = displayData((await client.getData(event.path)).data);
    } else if (event.type === 'children-changed') {
      change.children = (await client.getChildren(event.path)).sort();
    }
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
    change.data = null;
  }
  return change;
}

function line(change: Change, json: boolean): string {
  if (json) return toJson(change).replace(/\n\s*/g, ' ');
  const detail =
    change.state !== undefined
      ? `session ${change.state}`
      : change.children !== undefined
        ? `children: ${change.children.join(', ') || '(none)'}`
        : change.data === undefined
          ? ''
          : change.data === null
            ? '(gone)'
            : `= ${change.data}`;
  return `${change.at.slice(11, 23)}  ${change.type.padEnd(16)} ${change.path}  ${detail}`.trimEnd();
}

/**
 * Prints the node's current value, then one line per change (JSON lines with `--json`), until
 * the signal aborts. Resolves with the exit code (0).
 *
 * @example
 * ```ts
 * await watchCommand(ctx); // zk-recipes watch /app --recursive
 * ```
 */
export async function watchCommand(ctx: CliContext): Promise<number> {
  const path = ctx.cmd.args.path!;
  const json = ctx.cmd.json;
  await withClient(ctx, async (client) => {
    // Events are printed in order: each waits for the previous one's read.
    let chain = Promise.resolve();
    const emit = (make: () => Promise<Change>) => {
      chain = chain
        .then(async () => ctx.io.out(line(await make(), json)))
        .catch((err: unknown) => {
          ctx.io.err(`watch: ${(err as Error).message}`);
        });
    };
    const watch = await client.addWatch(path, (event) => emit(() => describe(client, event)), {
      recursive: ctx.cmd.recursive,
    });
    const states = client.state$.subscribe((state) => {
      if (state !== 'connected')
        emit(async () => ({ at: new Date().toISOString(), type: 'session', path, state }));
    });
    emit(() => describe(client, { type: 'created', path }).then((c) => ({ ...c, type: 'initial' as const })));
    ctx.io.err(`watching ${path}${ctx.cmd.recursive ? ' and below' : ''} (Ctrl-C to stop)`);
    await untilAborted(ctx.signal);
    states.unsubscribe();
    await watch.remove().catch(() => {});
    await chain;
  });
  return 0;
}
