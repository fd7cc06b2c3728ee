/**
 * The logging hook of the client. The engine logs connection attempts and state changes at
 * `info`, recoverable trouble (timeouts, refused servers, dropped connections) at `warn`, bugs
 * and unexpected server behaviour at `error`, and per-packet detail at `debug`.
 *
 * @module
 */

/** Structured fields attached to a log line (session id in hex, host, state, ...). */
export type LogFields = Record<string, unknown>;

/**
 * A minimal structured logger; `console`-like objects and pino/winston adapters fit.
 *
 * @example
 * ```ts
 * const logger: Logger = {
 *   debug: () => {},
 *   info: (msg, f) => console.info(msg, f ?? ''),
 *   warn: (msg, f) => console.warn(msg, f ?? ''),
 *   error: (msg, f) => console.error(msg, f ?? ''),
 * };
 * ```
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const noop = (): void => {};

/**
 * A logger that drops everything (the default).
 *
 * @example
 * ```ts
 * const client = createClient('localhost:2181', { logger: noopLogger });
 * ```
 */
export const noopLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
