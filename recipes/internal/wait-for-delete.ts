/**
 * Waits for one node to be deleted, herd-free: only the caller's predecessor is watched.
 *
 * Internal API:
 * - `waitForDelete(client, path, { signal?, ownerSessionId? })` → `Promise<void>`
 *   - resolves when `path` is deleted, or at once when it does not exist (NoNode);
 *   - watches with `getData` (not `exists`): when the node is already gone no watch is left behind;
 *   - a data change (e.g. Curator's `__REVOKE__` written into the node) re-arms the watch;
 *   - connection loss is ridden out: the one-shot watch survives reconnects within the session, and
 *     a `getData` that failed with a transient error is retried;
 *   - rejects with `SessionLostError` when the session is lost (the listener's `session-lost`) or
 *     the client is closed, or when `ownerSessionId` is given and the client reports another session;
 *   - rejects with `signal.reason` on abort and removes its watch listener (server-side
 *     `removeWatches` when no other local listener needs it).
 * - `isTransientError(err)`: ConnectionLoss, timeouts and other retryable server errors.
 * @module
 */
import {
  ConnectionLossError,
  NoNodeError,
  RequestTimeoutError,
  SessionExpiredError,
  type WatchListener,
  type ZooKeeperClient,
  ZooKeeperError,
} from '../../src/index.js';
import { sleep } from './wait-signal.js';
import { SessionLostError } from './errors.js';
import { isSessionGone } from './session-guard.js';

/** Options of {@link waitForDelete}. */
export interface WaitForDeleteOptions {
  signal?: AbortSignal | undefined;
  /** The session the waiter's own node lives in; another session means the wait is pointless. */
  ownerSessionId?: bigint | undefined;
}

/**
 * True for errors after which the same request may simply be sent again.
 *
 * @example
 * ```ts
 * if (isTransientError(err)) await retry();
 * ```
 */
export function isTransientError(err: unknown): boolean {
  if (err instanceof ConnectionLossError || err instanceof RequestTimeoutError) return true;
  return err instanceof ZooKeeperError && err.retryable;
}

/**
 * Backoff for internal retries: 20, 40, 80 … capped at 1 s.
 *
 * @example
 * ```ts
 * await sleep(retryDelayMs(attempt));
 * ```
 */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000, 20 * 2 ** Math.min(attempt - 1, 10));
}

/**
 * Resolves when `path` is deleted (see the module doc for the exact rules).
 *
 * @example
 * ```ts
 * await waitForDelete(client, `${lockPath}/${predecessor}`, { signal, ownerSessionId });
 * ```
 */
export function waitForDelete(
  client: ZooKeeperClient,
  path: string,
  options: WaitForDeleteOptions = {},
): Promise<void> {
  const { signal, ownerSessionId } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let done = false;
    const sessionAtStart = ownerSessionId ?? client.sessionId;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const removeWatch = () => {
      client.removeWatches(path, 'data', { listener }).catch(() => {});
    };
    const listener: WatchListener = (event) => {
      if (done) return;
      if (event.type === 'deleted') finish();
      else if (event.type === 'session-lost') finish(new SessionLostError(sessionAtStart, 'expired'));
      else if (event.type === 'closed') finish(new SessionLostError(sessionAtStart, 'closed'));
      else void arm();
    };
    const onAbort = () => {
      finish(signal?.reason);
      removeWatch();
    };
    const arm = async (): Promise<void> => {
      for (let attempt = 1; !done; attempt++) {
        if (ownerSessionId !== undefined && isSessionGone(client, ownerSessionId)) {
          finish(new SessionLostError(ownerSessionId, client.state === 'closed' ? 'closed' : 'expired'));
          return;
        }
        try {
          await client.getData(path, { watch: listener });
          if (done) removeWatch();
          return;
        } catch (err) {
          if (done) return;
          if (err instanceof NoNodeError) return finish();
          if (err instanceof SessionExpiredError)
            return finish(new SessionLostError(sessionAtStart, 'expired'));
          if (!isTransientError(err)) return finish(err);
          await sleep(retryDelayMs(attempt));
        }
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void arm();
  });
}
