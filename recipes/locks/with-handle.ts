/**
 * `withLock` semantics shared by every lock recipe: run, then release, never hiding `fn`'s error.
 * @module
 */

/** Anything `withHandle` can release. */
export interface Releasable {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Runs `fn(handle.lost, handle)` and releases the handle afterwards. When `fn` throws, its own
 * error is rethrown (a failed release is attached to it as a non-enumerable `releaseError`).
 *
 * @example
 * ```ts
 * const result = await withHandle(await mutex.acquire(), async (lost) => work(lost));
 * ```
 */
export async function withHandle<H extends Releasable, T>(
  handle: H,
  fn: (lost: AbortSignal, handle: H) => Promise<T> | T,
): Promise<T> {
  let result: T;
  try {
    result = await fn(handle.lost, handle);
  } catch (err) {
    try {
      await handle.release();
    } catch (releaseError) {
      if (typeof err === 'object' && err !== null && Object.isExtensible(err)) {
        Object.defineProperty(err, 'releaseError', {
          value: releaseError,
          enumerable: false,
          configurable: true,
        });
      }
    }
    throw err;
  }
  await handle.release();
  return result;
}
