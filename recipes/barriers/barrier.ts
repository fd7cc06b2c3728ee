// A simple barrier: while the node exists the barrier is up; waiters continue once it is removed.
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { retryTransient } from '../internal/retry-transient.js';
import { abortable, combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import { watchTrigger } from '../internal/watch-trigger.js';

/**
 * A distributed barrier (ZooKeeper's barrier recipe, Curator's `DistributedBarrier`, kazoo's
 * `Barrier`): `set()` creates the barrier node, `remove()` deletes it, and
 * `waitUntilRemoved()` blocks until it is gone. The node is persistent (its parents are
 * containers), so the barrier outlives the session that set it.
 *
 * The wait watches the node with `getData` (a missing node leaves no watch behind) and re-reads
 * after every event, so spurious wake-ups and data changes never release a waiter early.
 *
 * **Connection loss.** On `suspended`, waiters keep waiting (the watch survives a reconnect in
 * the same session; reads are retried). On `lost`, the watch fires `session-lost` and waiters
 * read the node again in the new session: the barrier node itself is persistent and unaffected.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(client, '/deploy/gate');
 * await barrier.set();
 * // elsewhere:
 * await new Barrier(other, '/deploy/gate').waitUntilRemoved({ timeoutMs: 60_000 });
 * // when ready:
 * await barrier.remove();
 * ```
 */
export class Barrier {
  readonly #client: ZooKeeperClient;
  readonly #path: string;

  constructor(client: ZooKeeperClient, path: string) {
    this.#client = client;
    this.#path = path;
  }

  /** The barrier node's path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Raises the barrier (creates the node); a barrier that is already up is fine.
   *
   * @example
   * ```ts
   * await barrier.set();
   * ```
   */
  async set(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    try {
      await this.#client.create(this.#path, undefined, {
        mode: 'persistent',
        createParents: 'container',
        signal,
      });
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }

  /**
   * Removes the barrier (deletes the node), releasing every waiter; a missing barrier is fine.
   *
   * @example
   * ```ts
   * await barrier.remove();
   * ```
   */
  async remove(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    try {
      await this.#client.delete(this.#path, { signal });
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  /**
   * Whether the barrier is up.
   *
   * @example
   * ```ts
   * if (await barrier.isSet()) console.log('waiting for the gate');
   * ```
   */
  async isSet(opts: WaitOptions = {}): Promise<boolean> {
    const signal = combineSignal(opts);
    return (await this.#client.exists(this.#path, { signal })) !== null;
  }

  /**
   * Resolves once the barrier is removed (at once when it is not set). Rejects with
   * `signal.reason` on abort or a `TimeoutError` after `timeoutMs`, leaving no watch behind.
   *
   * @example
   * ```ts
   * await barrier.waitUntilRemoved({ signal });
   * ```
   */
  async waitUntilRemoved(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    for (;;) {
      signal?.throwIfAborted();
      const trigger = watchTrigger();
      try {
        await retryTransient(
          () => this.#client.getData(this.#path, { watch: trigger.listener, signal }),
          signal,
        );
      } catch (err) {
        if (err instanceof NoNodeError) return;
        throw err;
      }
      try {
        await abortable(trigger.fired, signal);
      } catch (err) {
        trigger.dispose(this.#client, this.#path, 'data');
        throw err;
      }
    }
  }
}
