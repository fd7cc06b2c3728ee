// Typed errors of the leader recipes.
import { RecipeError } from '../internal/errors.js';

/**
 * The latch (or selector) was closed, so it will never lead again; waits on it reject with
 * this error.
 *
 * @example
 * ```ts
 * try { await latch.waitForLeadership(); }
 * catch (err) { if (err instanceof LatchClosedError) return; }
 * ```
 */
export class LatchClosedError extends RecipeError {
  constructor(message = 'leader latch closed') {
    super(message);
  }
}

/**
 * Leadership ended while the leader's work was running: the reason of the `AbortSignal` a
 * {@link LeaderSelector} passes to its function.
 *
 * @example
 * ```ts
 * signal.addEventListener('abort', () => {
 *   if (signal.reason instanceof LeadershipLostError) console.warn('no longer leader:', signal.reason.cause);
 * });
 * ```
 */
export class LeadershipLostError extends RecipeError {
  constructor(
    /** Why: the connection was suspended, the session lost, the node deleted, closed, or interrupted. */
    readonly reason: 'suspended' | 'lost' | 'node-deleted' | 'closed' | 'interrupted',
  ) {
    super(`leadership lost (${reason})`);
  }
}
