// An item taken from a LockingQueue: held through an ephemeral lock node until it is
// completed (deleted) or given back.
import { NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { SessionGuard } from '../internal/session-guard.js';
import { isOutcomeUnknown } from './ambiguous-error.js';
import { CompleteOutcomeUnknownError, ItemLockLostError } from './errors.js';

/** Paths of one locked item. */
export interface LockedItemPaths {
  /** `<queue>/entries/<name>` */
  readonly entryPath: string;
  /** `<queue>/taken/<name>` (ephemeral, data = consumer id) */
  readonly lockPath: string;
}

/**
 * An item held by this consumer. Call `complete()` when it is processed (the item and its lock
 * are deleted in one transaction) or `giveBack()` to return it to the queue. Disposing an item
 * that was neither completed nor given back gives it back.
 *
 * **Connection loss.** On `suspended` the item stays held (the lock is an ephemeral of a session
 * that may still be alive). On `lost` the server has deleted the lock, so the item is back in the
 * queue and another consumer may take it: `lost` aborts (reason: `SessionLostError`) and
 * `complete()` rejects with {@link ItemLockLostError} without deleting anything. Delivery is
 * therefore at least once: stop work on `lost` to avoid doing it twice.
 *
 * @example
 * ```ts
 * await using item = await queue.take();
 * item.lost.addEventListener('abort', () => controller.abort());
 * await process(item.data, controller.signal);
 * await item.complete();
 * ```
 */
export class LockedItem implements AsyncDisposable {
  /** Node name of the item, e.g. `entry-100-0000000042`. */
  readonly name: string;
  /** The item's data. */
  readonly data: Buffer;
  /** Aborts when the lock's session is gone (the item went back to the queue). */
  readonly lost: AbortSignal;
  readonly #client: ZooKeeperClient;
  readonly #paths: LockedItemPaths;
  readonly #sessionId: bigint;
  readonly #guard: SessionGuard;
  #state: 'held' | 'completed' | 'given-back' = 'held';

  constructor(
    client: ZooKeeperClient,
    name: string,
    data: Buffer,
    paths: LockedItemPaths,
    sessionId: bigint,
  ) {
    this.#client = client;
    this.name = name;
    this.data = data;
    this.#paths = paths;
    this.#sessionId = sessionId;
    this.#guard = new SessionGuard(client, sessionId);
    this.lost = this.#guard.lost;
  }

  /** `held`, `completed` or `given-back`. */
  get state(): 'held' | 'completed' | 'given-back' {
    return this.#state;
  }

  /**
   * Removes the item and its lock in one transaction. Rejects with {@link ItemLockLostError}
   * when the lock's session is gone (the item is back in the queue), or with its subclass
   * {@link CompleteOutcomeUnknownError} when an attempt's reply was lost with the session and
   * the item has left the queue (completed by this transaction or by another consumer since).
   * Idempotent once it succeeded.
   *
   * @example
   * ```ts
   * await item.complete();
   * ```
   */
  async complete(): Promise<void> {
    if (this.#state === 'completed') return;
    if (this.#state === 'given-back') throw new ItemLockLostError(this.name);
    let uncertain = false; // an earlier attempt's reply was lost
    for (let attempt = 0; ; attempt++) {
      if (this.lost.aborted || this.#client.sessionId !== this.#sessionId) {
        this.#finish('given-back');
        if (uncertain && !(await this.#stillQueued())) {
          throw new CompleteOutcomeUnknownError(this.name, { cause: this.lost.reason });
        }
        throw new ItemLockLostError(this.name, { cause: this.lost.reason });
      }
      try {
        await this.#client.multi().delete(this.#paths.entryPath).delete(this.#paths.lockPath).commit();
        this.#finish('completed');
        return;
      } catch (err) {
        if (uncertain && err instanceof NoNodeError && this.#client.sessionId === this.#sessionId) {
          // The entry or our lock is gone while our session lives: our earlier attempt went through.
          this.#finish('completed');
          return;
        }
        if (!isOutcomeUnknown(err) || attempt >= 10) {
          // Definite failure: the lock or the entry is gone (someone removed them by hand).
          this.#finish('given-back');
          throw new ItemLockLostError(this.name, { cause: err });
        }
        uncertain = true;
        // Reply lost: if the entry is gone, our transaction went through (only the lock
        // holder deletes entries, and the lock is ours while our session lives).
        try {
          await this.#client.sync(this.#paths.entryPath); // our multi's zxid never reached us
          if (
            (await this.#client.exists(this.#paths.entryPath)) === null &&
            this.#client.sessionId === this.#sessionId
          ) {
            this.#finish('completed');
            return;
          }
        } catch {
          // read back failed as well: loop, the session check decides
        }
      }
    }
  }

  /**
   * After a lost reply and a lost session: is the entry still there? (true: our transaction was
   * not applied, it deletes the entry atomically). Unknown (client closed, no answer) counts as
   * not queued, i.e. outcome unknown.
   */
  async #stillQueued(): Promise<boolean> {
    try {
      await this.#client.sync(this.#paths.entryPath, { timeoutMs: 10_000 });
      return (await this.#client.exists(this.#paths.entryPath, { timeoutMs: 10_000 })) !== null;
    } catch {
      return false;
    }
  }

  /**
   * Releases the lock so another consumer can take the item (guaranteed delete in the
   * background if the connection is down). Idempotent; a no-op after `complete()`.
   *
   * @example
   * ```ts
   * await item.giveBack();
   * ```
   */
  async giveBack(): Promise<void> {
    if (this.#state !== 'held') return;
    this.#finish('given-back');
    await guaranteedDelete(this.#client, this.#paths.lockPath, { ephemeralOwner: this.#sessionId });
  }

  /** Gives the item back unless it was completed. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.giveBack();
  }

  #finish(state: 'completed' | 'given-back'): void {
    this.#state = state;
    this.#guard.dispose();
  }
}
