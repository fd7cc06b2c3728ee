// Retries an idempotent request (a read, or a write whose outcome is checked) through
// connection loss, until it succeeds, fails for good, or the signal aborts.
import { SessionExpiredError } from '../../src/index.js';
import { sleep } from './wait-signal.js';
import { isTransientError, retryDelayMs } from './wait-for-delete.js';

/**
 * Runs `fn` until it resolves; transient errors (connection loss, timeouts, session expiry
 * while a new session is being opened) are retried with backoff; other errors and
 * `signal.reason` reject.
 *
 * @example
 * ```ts
 * const children = await retryTransient(() => client.getChildren(path), signal);
 * ```
 */
export async function retryTransient<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!isTransientError(err) && !(err instanceof SessionExpiredError)) throw err;
      await sleep(retryDelayMs(attempt), signal);
    }
  }
}
