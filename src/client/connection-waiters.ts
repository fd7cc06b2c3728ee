/**
 * The callers of `waitForConnection`, each bounded by its own timeout and AbortSignal, released
 * together when the session engine connects, or failed together when it gives up.
 *
 * @module
 */
import { RequestTimeoutError } from './errors.js';

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A set of pending waits for a connection.
 *
 * @example
 * ```ts
 * const waiters = new ConnectionWaiters();
 * const p = waiters.wait({ timeoutMs: 1_000 });
 * waiters.resolveAll(); // p resolves
 * ```
 */
export class ConnectionWaiters {
  readonly #waiters = new Set<Waiter>();

  /**
   * Resolves at the next {@link ConnectionWaiters.resolveAll}; rejects at
   * {@link ConnectionWaiters.rejectAll}, after `timeoutMs` (RequestTimeoutError) or on abort
   * (`signal.reason`).
   */
  wait(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const { signal, timeoutMs } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (err) => {
          cleanup();
          reject(err);
        },
      };
      const onAbort = (): void => waiter.reject(signal?.reason);
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(
          () => waiter.reject(new RequestTimeoutError({ message: `No connection within ${timeoutMs} ms` })),
          timeoutMs,
        );
      }
    });
  }

  /** Releases every waiter. */
  resolveAll(): void {
    for (const w of [...this.#waiters]) w.resolve();
  }

  /** Fails every waiter with `err`. */
  rejectAll(err: unknown): void {
    for (const w of [...this.#waiters]) w.reject(err);
  }
}
