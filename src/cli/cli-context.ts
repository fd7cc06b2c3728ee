/**
 * What every CLI command gets, and the connected client it usually needs.
 *
 * @module
 */
import { createClient, InvalidArgumentError, type ZooKeeperClient } from '../index.js';
import { CliError, EXIT } from './cli-error.js';
import type { ParsedCommand } from './parse-args.js';

/** Where the CLI writes (stdout / stderr in the real program, buffers in tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The context of one command run. */
export interface CliContext {
  readonly io: CliIo;
  readonly cmd: ParsedCommand;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

/** What a one-shot command produces: a JSON document and its human rendering. */
export interface CommandOutput {
  json: unknown;
  text: string;
}

/**
 * Connects to `--connect` (or `ZK_CONNECT`), runs `fn`, and closes the client. An unreachable
 * ensemble becomes a {@link CliError} with exit code 3, a bad connect string exit code 2.
 *
 * @example
 * ```ts
 * const names = await withClient(ctx, (client) => client.getChildren('/'));
 * ```
 */
export async function withClient<T>(
  ctx: CliContext,
  fn: (client: ZooKeeperClient) => Promise<T>,
): Promise<T> {
  const connectString = ctx.cmd.connect;
  if (!connectString) {
    throw new CliError('no ensemble given: pass --connect host:port,... or set ZK_CONNECT', EXIT.usage);
  }
  let client: ZooKeeperClient;
  try {
    client = createClient(connectString, {
      requestTimeoutMs: ctx.cmd.timeoutMs,
      connectTimeoutMs: Math.min(ctx.cmd.timeoutMs, 10_000),
    });
  } catch (err) {
    if (err instanceof InvalidArgumentError)
      throw new CliError(`bad connect string: ${err.message}`, EXIT.usage);
    throw err;
  }
  try {
    try {
      await client.waitForConnection({ timeoutMs: ctx.cmd.timeoutMs, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new CliError(
        `cannot reach ZooKeeper at ${connectString} within ${ctx.cmd.timeoutMs} ms (is it running? try --timeout)`,
        EXIT.unreachable,
        { cause: err },
      );
    }
    return await fn(client);
  } finally {
    await client.close();
  }
}
