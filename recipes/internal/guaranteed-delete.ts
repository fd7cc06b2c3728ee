/**
 * Deletes a recipe's node and keeps trying in the background until it is done (Curator's
 * `delete().guaranteed()`), so a release or a cleanup that hits a connection loss never leaves an
 * orphan behind while the session lives.
 *
 * Internal API:
 * - `guaranteedDelete(client, path, { version?, ephemeralOwner? })` → `Promise<DeleteOutcome>`;
 *   starts at once and retries transient errors (connection loss, timeouts) with backoff until:
 *   `'deleted'`; `'not-found'` (NoNode: already gone); `'session-gone'` (`ephemeralOwner` given
 *   and that session is lost: the server removed the ephemeral anyway); `'client-closed'`.
 *   Non-transient errors (NoAuth, BadVersion, NotEmpty) reject. Callers may `await` the promise
 *   or drop it (a dropped rejection never becomes an unhandled rejection).
 * - `pendingDeletes(client)` → `Promise<void>`: settles when every guaranteed delete started on
 *   that client so far has finished (for tests and graceful shutdown).
 * @module
 */
import {
  ClientClosedError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '../../src/index.js';
import { sleep } from './wait-signal.js';
import { isSessionGone } from './session-guard.js';
import { isTransientError, retryDelayMs } from './wait-for-delete.js';

/** How a guaranteed delete ended. */
export type DeleteOutcome = 'deleted' | 'not-found' | 'session-gone' | 'client-closed';

/** Options of {@link guaranteedDelete}. */
export interface GuaranteedDeleteOptions {
  /** Expected version (`-1`/undefined: any). */
  version?: number | undefined;
  /** For an ephemeral node: its owner session; when that session is gone, so is the node. */
  ephemeralOwner?: bigint | undefined;
}

const pending = new WeakMap<ZooKeeperClient, Set<Promise<unknown>>>();

/**
 * Deletes `path`, retrying transient failures in the background until done.
 *
 * @example
 * ```ts
 * const outcome = await guaranteedDelete(client, node.path, { ephemeralOwner: node.stat.ephemeralOwner });
 * ```
 */
export function guaranteedDelete(
  client: ZooKeeperClient,
  path: string,
  options: GuaranteedDeleteOptions = {},
): Promise<DeleteOutcome> {
  const run = deleteLoop(client, path, options);
  run.catch(() => {});
  let set = pending.get(client);
  if (!set) {
    set = new Set();
    pending.set(client, set);
  }
  const tracked = run.then(
    () => {},
    () => {},
  );
  set.add(tracked);
  void tracked.then(() => set.delete(tracked));
  return run;
}

/**
 * Settles once every guaranteed delete started on `client` so far has finished.
 *
 * @example
 * ```ts
 * await pendingDeletes(client);
 * ```
 */
export async function pendingDeletes(client: ZooKeeperClient): Promise<void> {
  const set = pending.get(client);
  if (set) await Promise.all([...set]);
}

async function deleteLoop(
  client: ZooKeeperClient,
  path: string,
  options: GuaranteedDeleteOptions,
): Promise<DeleteOutcome> {
  const { version, ephemeralOwner } = options;
  for (let attempt = 1; ; attempt++) {
    if (ephemeralOwner !== undefined && isSessionGone(client, ephemeralOwner)) {
      return client.state === 'closed' ? 'client-closed' : 'session-gone';
    }
    if (client.state === 'closed') return 'client-closed';
    try {
      await client.delete(path, version === undefined ? {} : { version });
      return 'deleted';
    } catch (err) {
      if (err instanceof NoNodeError) return 'not-found';
      if (err instanceof ClientClosedError) return 'client-closed';
      if (err instanceof SessionExpiredError && ephemeralOwner !== undefined) return 'session-gone';
      if (!isTransientError(err) && !(err instanceof SessionExpiredError)) throw err;
      await sleep(retryDelayMs(attempt));
    }
  }
}
