// A one-shot watch listener paired with a promise that settles on its first event.
import type { WatchEvent, WatchListener, ZooKeeperClient } from '../../src/index.js';

/** A watch listener and the promise of its first event. */
export interface WatchTrigger {
  /** Pass as `{ watch: trigger.listener }` to a read. */
  readonly listener: WatchListener;
  /** Resolves with the first event delivered to `listener` (never rejects). */
  readonly fired: Promise<WatchEvent>;
  /** Whether `listener` has been called. */
  readonly hasFired: boolean;
  /**
   * Removes the watch locally and on the server if it has not fired (best effort, never
   * throws); call it when a wait is abandoned so no watch stays behind.
   */
  dispose(client: ZooKeeperClient, path: string, type: 'children' | 'data'): void;
}

/**
 * Creates a {@link WatchTrigger}. Every event counts, including `session-lost` and `closed`,
 * so a waiter always wakes up and re-reads.
 *
 * @example
 * ```ts
 * const trigger = watchTrigger();
 * const children = await client.getChildren(path, { watch: trigger.listener });
 * if (children.length === 0) await abortable(trigger.fired, signal);
 * ```
 */
export function watchTrigger(): WatchTrigger {
  let fired = false;
  let resolveFired: (event: WatchEvent) => void = () => {};
  const promise = new Promise<WatchEvent>((resolve) => {
    resolveFired = resolve;
  });
  const listener: WatchListener = (event) => {
    fired = true;
    resolveFired(event);
  };
  return {
    listener,
    fired: promise,
    get hasFired() {
      return fired;
    },
    dispose(client, path, type) {
      if (fired) return;
      client.removeWatches(path, type, { listener }).catch(() => {});
    },
  };
}
