import { RecipeError } from '../internal/errors.js';

/**
 * The typed error a cache or config stream sends when a node's bytes cannot be decoded.
 *
 * @example
 * ```ts
 * watchData(client, '/app/config', { decode: json }).subscribe({
 *   error: (err) => {
 *     if (err instanceof DecodeError) console.error(`bad config at ${err.path}`, err.cause);
 *   },
 * });
 * ```
 */
export class DecodeError extends RecipeError {
  /** The ZooKeeper path whose data failed to decode (as the caller named it, chroot-relative). */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`cannot decode the data of ${path}: ${why}`, { cause });
    this.path = path;
  }
}
