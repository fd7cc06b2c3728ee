// Lists a node's children while keeping exactly one children watch armed, so a waiter can
// sleep until the list may have changed. Used by the queue and barrier recipes.
import type { CallOptions, WatchEvent, ZooKeeperClient } from '../../src/index.js';
import { type WatchTrigger, watchTrigger } from './watch-trigger.js';

/**
 * Children of one node plus a watch: `list()` arms a new watch only when the previous one has
 * fired (never piling up listeners), and `changed` resolves on the next event of that watch,
 * including `session-lost` and `closed`, so a waiter always wakes and lists again.
 *
 * @example
 * ```ts
 * const watch = new ChildrenWatch(client, '/queue');
 * for (;;) {
 *   const children = await watch.list({ signal });
 *   if (children.length > 0) break;
 *   await abortable(watch.changed, signal);
 * }
 * watch.dispose();
 * ```
 */
export class ChildrenWatch {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  #trigger: WatchTrigger | undefined;

  constructor(client: ZooKeeperClient, path: string) {
    this.#client = client;
    this.#path = path;
  }

  /** The watched node. */
  get path(): string {
    return this.#path;
  }

  /** Lists the children, arming a watch unless one is still pending. NoNode rejects. */
  async list(opts: CallOptions = {}): Promise<string[]> {
    const pending = this.#trigger && !this.#trigger.hasFired;
    const trigger = pending ? undefined : watchTrigger();
    const children = await this.#client.getChildren(
      this.#path,
      trigger ? { ...opts, watch: trigger.listener } : opts,
    );
    if (trigger) this.#trigger = trigger;
    return children;
  }

  /** Whether the children may have changed since the last `list()` (or none was done). */
  get hasChanged(): boolean {
    return this.#trigger?.hasFired ?? true;
  }

  /** Resolves on the next event of the pending watch (at once when there is none). */
  get changed(): Promise<WatchEvent | undefined> {
    const trigger = this.#trigger;
    return trigger && !trigger.hasFired ? trigger.fired : Promise.resolve(undefined);
  }

  /** Removes the pending watch (best effort). Idempotent. */
  dispose(): void {
    this.#trigger?.dispose(this.#client, this.#path, 'children');
    this.#trigger = undefined;
  }
}
