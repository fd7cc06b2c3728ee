/**
 * Errors shared by every recipe.
 *
 * Internal API (for recipe authors):
 * - `RecipeError`: base class of every recipe error (`name` set, `{ cause }` accepted).
 * - `SessionLostError`: the reason of a handle's `lost` signal and of waits that end because the
 *   session that owned the recipe's node is gone (expired, or the client was closed).
 *
 * Family-specific errors (e.g. `SemaphoreMismatchError`) live in the family folder and extend
 * `RecipeError`.
 * @module
 */

/**
 * Base class of every error raised by a recipe.
 *
 * @example
 * ```ts
 * try { await mutex.acquire({ timeoutMs: 1000 }); }
 * catch (err) { if (err instanceof RecipeError) console.error(err.name, err.message); }
 * ```
 */
export class RecipeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The ZooKeeper session that owned a recipe's node is gone: it expired (its ephemeral nodes were
 * deleted by the server) or the client was closed. Anything guarded by that node (a lock, a lease,
 * leadership) must be treated as lost.
 *
 * @example
 * ```ts
 * const lock = await mutex.acquire();
 * lock.lost.addEventListener('abort', () => {
 *   if (lock.lost.reason instanceof SessionLostError) stopWriting();
 * });
 * ```
 */
export class SessionLostError extends RecipeError {
  /** The session that owned the node (0n when unknown). */
  readonly sessionId: bigint;
  /** Why the session is considered gone. */
  readonly reason: 'expired' | 'closed' | 'suspended' | 'node-deleted';

  constructor(sessionId: bigint, reason: SessionLostError['reason'], message?: string) {
    super(message ?? `ZooKeeper session 0x${sessionId.toString(16)} lost (${reason})`);
    this.sessionId = sessionId;
    this.reason = reason;
  }
}
