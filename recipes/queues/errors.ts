// Typed errors of the queue recipes.
import { RecipeError } from '../internal/errors.js';

/**
 * A take's delete was sent but its reply was lost (connection loss, timeout or session expiry),
 * and when the client read the queue again the item was gone: either our delete removed it or
 * another consumer took it. At-most-once delivery forbids returning it, and silently dropping
 * it would hide a possible loss, so the take rejects with this error, which carries the item.
 *
 * @example
 * ```ts
 * try {
 *   await queue.take();
 * } catch (err) {
 *   if (err instanceof TakeOutcomeUnknownError) audit.log('maybe lost', err.itemName, err.data);
 * }
 * ```
 */
export class TakeOutcomeUnknownError extends RecipeError {
  constructor(
    /** Node name of the item, e.g. `qn-0000000042`. */
    readonly itemName: string,
    /** The item's data as read before the delete. */
    readonly data: Buffer,
    options?: ErrorOptions,
  ) {
    super(`take of ${itemName}: the delete's outcome is unknown (reply lost)`, options);
  }
}

/**
 * A put's reply was lost and the producer could not find out afterwards whether its items were
 * written. With protected puts (the default) this only happens when the session that wrote the
 * put's receipt ended before the producer could read it back **and** none of the put's items is
 * still in the queue (they were never written, or written and already taken), or when the queue
 * stayed unreachable for every attempt. Nothing is retried behind the caller's back: re-put
 * `data` for at-least-once, drop it for at-most-once. `putId` is the uuid in the items' names
 * (`qn-_c_<putId>-…`), for an audit.
 *
 * @example
 * ```ts
 * try {
 *   await queue.put(job);
 * } catch (err) {
 *   if (err instanceof PutOutcomeUnknownError) audit.log('maybe queued', err.putId, err.data.length);
 * }
 * ```
 */
export class PutOutcomeUnknownError extends RecipeError {
  constructor(
    /** The uuid of the put (in its items' names). */
    readonly putId: string,
    /** The data of the items whose put has an unknown outcome, in put order. */
    readonly data: readonly Uint8Array[],
    options?: ErrorOptions,
  ) {
    super(`put ${putId} of ${data.length} item(s): the outcome is unknown (reply lost)`, options);
  }
}

/**
 * `putMany` wrote some chunks and then failed; `created` lists the items that were written
 * (each chunk is one atomic multi, so an item is either in `created` or not in the queue; with
 * protected puts a chunk whose reply was lost is looked up again, and only when that cannot
 * tell is the cause a {@link PutOutcomeUnknownError}; with `protectedPuts: false` the failing
 * chunk's items may or may not be in the queue when its reply was lost).
 *
 * @example
 * ```ts
 * try {
 *   await queue.putMany(items);
 * } catch (err) {
 *   if (err instanceof PutManyError) console.log(`${err.created.length} items were queued`);
 * }
 * ```
 */
export class PutManyError extends RecipeError {
  constructor(
    /** Names of the items created before the failure. */
    readonly created: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`putMany failed after ${created.length} items`, options);
  }
}

/**
 * The lock on a taken {@link LockedItem} is gone (its session was lost), so `complete()` cannot
 * remove the item: it is back in the queue for another consumer.
 *
 * @example
 * ```ts
 * try {
 *   await item.complete();
 * } catch (err) {
 *   if (err instanceof ItemLockLostError) console.log('another consumer will redo', err.itemName);
 * }
 * ```
 */
export class ItemLockLostError extends RecipeError {
  constructor(
    /** Node name of the item. */
    readonly itemName: string,
    options?: ErrorOptions,
  ) {
    super(`lock on queue item ${itemName} was lost with its session`, options);
  }
}

/**
 * `complete()` was on its way when the lock's session was lost, its reply never came, and the
 * item is no longer in the queue: either our transaction removed it just before the session
 * ended, or (our transaction having failed with the session) another consumer took and
 * completed it since. ZooKeeper cannot tell which after the session is gone. A subclass of
 * {@link ItemLockLostError}, so code that treats every lost lock as "someone else redoes it"
 * keeps working; code that needs exactness (the work was done, but was it committed?) can tell
 * this case apart. When the item is still in the queue, `complete()` throws a plain
 * {@link ItemLockLostError} instead: it was definitely not completed.
 *
 * @example
 * ```ts
 * try {
 *   await item.complete();
 * } catch (err) {
 *   if (err instanceof CompleteOutcomeUnknownError) reconcile(err.itemName); // done once, by us or another
 *   else if (err instanceof ItemLockLostError) rollback(err.itemName);       // another consumer redoes it
 * }
 * ```
 */
export class CompleteOutcomeUnknownError extends ItemLockLostError {
  constructor(itemName: string, options?: ErrorOptions) {
    super(itemName, options);
    this.message = `completing queue item ${itemName}: the reply was lost with the session and the item is gone; removed by us or completed by another consumer`;
  }
}
