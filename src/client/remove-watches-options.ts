/**
 * The arguments of the client's `removeWatches`, checked and turned into the engine's options:
 * the user's listener becomes the wrapper the engine knows it by.
 *
 * @module
 */
import { callOpts } from './call-helpers.js';
import type { RemoveWatchesOptions as EngineRemoveOptions } from './engine-options.js';
import { InvalidArgumentError } from './errors.js';
import type { ListenerWrappers } from './listener-wrappers.js';
import type { RemoveWatchesOptions } from './types.js';

/**
 * Checks `type` and `opts` of `removeWatches` and returns the engine's options. A listener that
 * was never registered maps to a fresh function, which matches nothing (NoWatcherError).
 *
 * @throws InvalidArgumentError for an unknown type or a listener that is not a function
 * @example
 * ```ts
 * await engine.removeWatches(serverPath, type, removeWatchesOptions(type, opts, wrappers));
 * ```
 */
export function removeWatchesOptions(
  type: 'children' | 'data' | 'any',
  opts: RemoveWatchesOptions,
  wrappers: ListenerWrappers,
): EngineRemoveOptions {
  if (type !== 'children' && type !== 'data' && type !== 'any') {
    throw new InvalidArgumentError(`watch type must be 'children', 'data' or 'any', got ${String(type)}`);
  }
  if (opts.listener !== undefined && typeof opts.listener !== 'function') {
    throw new InvalidArgumentError('listener must be a function');
  }
  const raw = opts.listener === undefined ? undefined : (wrappers.get(opts.listener) ?? (() => {}));
  return { ...callOpts(opts), local: opts.local === true, ...(raw ? { listener: raw } : {}) };
}
