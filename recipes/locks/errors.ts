/**
 * Errors of the lock recipes.
 * @module
 */
import { RecipeError } from '../internal/errors.js';

/**
 * The semaphore's path stores a different `maxLeases` than this process was configured with
 * (kazoo raises `ValueError` in the same case). All processes must agree on the lease count.
 *
 * @example
 * ```ts
 * try { await sem.acquire(); } catch (err) { if (err instanceof SemaphoreMismatchError) alert(err.stored); }
 * ```
 */
export class SemaphoreMismatchError extends RecipeError {
  /** The count stored at the semaphore path. */
  readonly stored: number;
  /** The count this process asked for. */
  readonly requested: number;

  constructor(path: string, stored: number, requested: number) {
    super(`semaphore ${path} has maxLeases ${stored}, this process uses ${requested}`);
    this.stored = stored;
    this.requested = requested;
  }
}
