import type { PersistentWatch } from './types.js';

/**
 * The {@link PersistentWatch} returned by `addWatch`: `remove()` runs the removal once; later
 * calls share its result. A failed removal may be retried.
 *
 * @example
 * ```ts
 * const handle = new PersistentWatchHandle('/config', true, () => engine.removeWatches(...));
 * await handle.remove();
 * await handle.remove(); // no-op
 * ```
 * @internal
 */
export class PersistentWatchHandle implements PersistentWatch {
  readonly path: string;
  readonly recursive: boolean;
  readonly #removeOnce: () => Promise<void>;
  #removal: Promise<void> | undefined;

  constructor(path: string, recursive: boolean, remove: () => Promise<void>) {
    this.path = path;
    this.recursive = recursive;
    this.#removeOnce = remove;
  }

  remove(): Promise<void> {
    this.#removal ??= this.#removeOnce().catch((err: unknown) => {
      this.#removal = undefined;
      throw err;
    });
    return this.#removal;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }
}
