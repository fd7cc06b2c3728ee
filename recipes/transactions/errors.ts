// Typed errors of the two-phase commit recipe.
import { RecipeError } from '../internal/errors.js';

/**
 * The transaction node does not exist (never created, or already cleaned up after everyone
 * acknowledged its outcome).
 *
 * @example
 * ```ts
 * try { await participant.vote(txId, decide); }
 * catch (err) { if (err instanceof TransactionNotFoundError) console.warn('unknown tx', err.txId); }
 * ```
 */
export class TransactionNotFoundError extends RecipeError {
  constructor(
    /** The transaction id that was looked up. */
    readonly txId: string,
  ) {
    super(`two-phase commit transaction ${txId} not found`);
  }
}

/**
 * This participant is not listed in the transaction, so its vote would not count.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof NotAParticipantError) console.warn(err.participantId); }
 * ```
 */
export class NotAParticipantError extends RecipeError {
  constructor(
    /** The transaction id. */
    readonly txId: string,
    /** Our participant id. */
    readonly participantId: string,
  ) {
    super(`participant '${participantId}' is not listed in transaction ${txId}`);
  }
}

/**
 * The transaction node's data is not a transaction written by this recipe.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof CorruptTransactionError) console.error(err.message); }
 * ```
 */
export class CorruptTransactionError extends RecipeError {}
