/**
 * `zk-recipes get <path>` and `zk-recipes set <path> <value>`.
 *
 * @module
 */
import { BadVersionError, NoNodeError, type Stat } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { displayData, sessionHex, table } from '../format.js';

function statRows(stat: Stat): string[][] {
  return [
    ['version', String(stat.version)],
    ['dataLength', String(stat.dataLength)],
    ['numChildren', String(stat.numChildren)],
    ['ctime', new Date(stat.ctime).toISOString()],
    ['mtime', new Date(stat.mtime).toISOString()],
    ['czxid', `0x${stat.czxid.toString(16)}`],
    ['mzxid', `0x${stat.mzxid.toString(16)}`],
    ['ephemeralOwner', stat.ephemeralOwner === 0n ? '-' : sessionHex(stat.ephemeralOwner)],
  ];
}

/**
 * Prints a node's data (UTF-8, or base64 when binary) and stat.
 *
 * @example
 * ```ts
 * await getCommand(ctx); // zk-recipes get /app/config
 * ```
 */
export async function getCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path!;
  const { data, stat } = await withClient(ctx, async (client) => {
    try {
      return await client.getData(path);
    } catch (err) {
      if (err instanceof NoNodeError) throw new CliError(`no node ${path}`);
      throw err;
    }
  });
  return {
    json: { path, data: displayData(data), stat },
    text: `${displayData(data)}\n\n${table(['stat', 'value'], statRows(stat))}`,
  };
}

/**
 * Sets a node's data (`--version` for a compare-and-set, `--create` to create it when missing).
 *
 * @example
 * ```ts
 * await setCommand(ctx); // zk-recipes set /app/flag on --create
 * ```
 */
export async function setCommand(ctx: CliContext): Promise<CommandOutput> {
  const { path, value } = ctx.cmd.args as { path: string; value: string };
  const version = ctx.cmd.version;
  const result = await withClient(ctx, async (client) => {
    try {
      const stat = await client.setData(path, value, version === undefined ? {} : { version });
      return { created: false, stat };
    } catch (err) {
      if (err instanceof BadVersionError) throw new CliError(`${path} is not at version ${version}`);
      if (!(err instanceof NoNodeError)) throw err;
      if (!ctx.cmd.create) throw new CliError(`no node ${path} (add --create to create it)`);
      const { stat } = await client.create(path, value, { createParents: true });
      return { created: true, stat };
    }
  });
  return {
    json: { path, created: result.created, version: result.stat.version },
    text: `${result.created ? 'created' : 'set'} ${path} (version ${result.stat.version})`,
  };
}
