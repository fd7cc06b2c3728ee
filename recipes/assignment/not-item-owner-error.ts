import { RecipeError } from '../internal/errors.js';

/**
 * A worker tried to act on an item it does not own (any more): the item moved to another worker,
 * the connection is suspended, or the session was lost.
 *
 * @example
 * ```ts
 * try { await worker.progress('host-1', '42'); }
 * catch (err) { if (err instanceof NotItemOwnerError) stopTailing('host-1'); }
 * ```
 */
export class NotItemOwnerError extends RecipeError {
  /** The item. */
  readonly item: string;
  /** The worker that does not own it. */
  readonly workerId: string;

  constructor(item: string, workerId: string, options?: ErrorOptions) {
    super(`worker ${workerId} does not own item ${item}`, options);
    this.item = item;
    this.workerId = workerId;
  }
}
