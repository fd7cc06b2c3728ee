import type { Logger } from './logger.js';
import { stripChroot } from './paths.js';
import type { WatchListener } from './types.js';
import type { RawWatchEvent, RawWatchListener } from './watch-manager.js';

/**
 * Turns user watch listeners into engine listeners: one stable wrapper per listener function
 * (so the engine can recognise the same listener registered twice, and removeWatches can name
 * it), which strips the chroot from event paths, drops events outside the chroot, and catches
 * listener throws.
 *
 * @example
 * ```ts
 * const wrappers = new ListenerWrappers('/app', logger);
 * const raw = wrappers.wrap((e) => console.log(e.path));
 * raw({ type: 'created', path: '/app/a' }); // logs '/a'
 * wrappers.wrap(listener) === wrappers.wrap(listener); // true
 * ```
 * @internal
 */
export class ListenerWrappers {
  readonly #chroot: string;
  readonly #logger: Logger;
  readonly #wrappers = new WeakMap<WatchListener, RawWatchListener>();

  constructor(chroot: string, logger: Logger) {
    this.#chroot = chroot;
    this.#logger = logger;
  }

  /** The wrapper of `listener`, made on first use. */
  wrap(listener: WatchListener): RawWatchListener {
    let raw = this.#wrappers.get(listener);
    if (raw === undefined) {
      raw = (e: RawWatchEvent) => {
        const path = stripChroot(this.#chroot, e.path);
        if (path === undefined) return;
        try {
          listener(e.zxid === undefined ? { type: e.type, path } : { type: e.type, path, zxid: e.zxid });
        } catch (err) {
          this.#logger.warn('watch listener threw', { path, type: e.type, error: String(err) });
        }
      };
      this.#wrappers.set(listener, raw);
    }
    return raw;
  }

  /** The wrapper of `listener` if it was ever wrapped. */
  get(listener: WatchListener): RawWatchListener | undefined {
    return this.#wrappers.get(listener);
  }
}
