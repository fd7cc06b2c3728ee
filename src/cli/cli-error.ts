/**
 * Errors of the `zk-recipes` CLI and its exit codes.
 *
 * @module
 */

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** The command failed (e.g. the node does not exist). */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** No ZooKeeper server answered. */
  unreachable: 3,
  /** Interrupted (Ctrl-C) before finishing. */
  interrupted: 130,
} as const;

/**
 * An error the CLI reports as one line on stderr, exiting with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError('unknown command "foo"', EXIT.usage);
 * ```
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failed, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
