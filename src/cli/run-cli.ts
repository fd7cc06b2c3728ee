/**
 * The CLI as a function: parse, run one command, print, map errors to exit codes. `main.ts`
 * wires it to the process; tests call it directly.
 *
 * @module
 */
import { isRetryable, ZooKeeperError } from '../index.js';
import type { CliContext, CliIo, CommandOutput } from './cli-context.js';
import { CliError, EXIT } from './cli-error.js';
import { assignmentCommand } from './commands/assignment.js';
import { getCommand, setCommand } from './commands/get-set.js';
import { leaderCommand } from './commands/leader.js';
import { locksCommand } from './commands/locks.js';
import { queueCommand } from './commands/queue.js';
import { servicesCommand } from './commands/services.js';
import { treeCommand } from './commands/tree.js';
import { watchCommand } from './commands/watch.js';
import { type CommandName, parseCommandLine, usage } from './parse-args.js';
import { toJson } from './format.js';

const ONE_SHOT: Partial<Record<CommandName, (ctx: CliContext) => Promise<CommandOutput>>> = {
  tree: treeCommand,
  get: getCommand,
  set: setCommand,
  locks: locksCommand,
  leader: leaderCommand,
  queue: queueCommand,
  services: servicesCommand,
  assignment: assignmentCommand,
};

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Environment (for `ZK_CONNECT`). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Ends streaming commands (`watch`, `ensemble start`); Ctrl-C in the real program. */
  signal?: AbortSignal;
}

/**
 * Runs `zk-recipes <argv>` and resolves with the exit code (never rejects).
 *
 * @example
 * ```ts
 * const code = await runCli(['get', '/app', '--connect', '127.0.0.1:2181'], { out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo, opts: RunCliOptions = {}): Promise<number> {
  const signal = opts.signal ?? new AbortController().signal;
  try {
    const cmd = parseCommandLine(argv, opts.env ?? process.env);
    if (cmd.command === 'help') {
      io.out(usage());
      return EXIT.ok;
    }
    const ctx: CliContext = { io, cmd, signal };
    if (cmd.command === 'watch') return await watchCommand(ctx);
    if (cmd.command === 'ensemble start') {
      // The testing kit is loaded only for this command.
      const { ensembleStartCommand } = await import('./commands/ensemble.js');
      return await ensembleStartCommand(ctx);
    }
    const run = ONE_SHOT[cmd.command];
    if (!run) throw new CliError(`unknown command '${cmd.command}'`, EXIT.usage);
    const output = await run(ctx);
    io.out(cmd.json ? toJson(output.json) : output.text);
    return EXIT.ok;
  } catch (err) {
    if (signal.aborted && !(err instanceof CliError)) return EXIT.interrupted;
    if (err instanceof CliError) {
      io.err(`zk-recipes: ${err.message}`);
      if (err.exitCode === EXIT.usage) io.err('run zk-recipes --help for usage');
      return err.exitCode;
    }
    if (err instanceof ZooKeeperError) {
      io.err(
        `zk-recipes: ZooKeeper said ${err.codeName}${err.path ? ` for ${err.path}` : ''}: ${err.message}`,
      );
      return isRetryable(err) ? EXIT.unreachable : EXIT.failed;
    }
    if (err instanceof TypeError || err instanceof RangeError) {
      io.err(`zk-recipes: ${err.message}`);
      return EXIT.usage;
    }
    io.err(`zk-recipes: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
}
