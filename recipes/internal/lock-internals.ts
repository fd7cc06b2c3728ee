/**
 * The contender loop shared by every lock-like recipe (Curator's `LockInternals`): create a
 * protected ephemeral-sequential node, list the contenders, and either own the lock or wait for
 * exactly one other node to go away (no herd effect).
 *
 * Internal API:
 * - `LockDriver`: `{ isContender(node), check(contenders, ourIndex) }`. `check` gets the contenders
 *   sorted by sequence (protected prefix ignored) and our index, and answers `{ acquired: true }` or
 *   `{ acquired: false, waitFor: childName }`. It must only ever name a node **ahead** of ours
 *   (lower sequence), which rules out waits in a cycle (kazoo#649).
 * - `acquireLockNode(client, basePath, driver, { nodeName, data?, signal?, wait? })` →
 *   `Promise<ProtectedNode | null>`: the node we own (its `stat.ephemeralOwner` is the session
 *   that holds the lock), or `null` when `wait: false` and the lock is taken (our node is deleted
 *   before returning). Rules:
 *   - the first listing is pipelined behind the create (same session, served in order);
 *   - the predecessor is watched with `waitForDelete` (getData watch, re-armed on data changes);
 *     with `driver.trustSnapshot`, its deletion is decided on the previous listing (no re-list);
 *   - connection loss is ridden out (retries; watches survive reconnects);
 *   - when our node disappears or our session is lost while waiting, a new node is created in
 *     the new session and the wait goes on (at most 10 restarts, then `RecipeError`);
 *   - before reporting success it re-checks that the client's session is still the node's owner;
 *   - on abort, timeout or error our node is deleted (guaranteed delete; the returned promise
 *     rejects at once with `signal.reason` or the error, the delete finishes in the background
 *     when the connection is down) and no watch is left behind.
 * - `releaseLockNode(client, node)`: guaranteed delete of an owned node, awaited while connected;
 *   otherwise awaited at most 2 s (then `'in-background'`: the delete goes on until the session
 *   is gone).
 * - `childPath(parent, name)`.
 * @module
 */
import {
  ClientClosedError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '../../src/index.js';
import { sleep } from './wait-signal.js';
import { RecipeError, SessionLostError } from './errors.js';
import { type DeleteOutcome, guaranteedDelete } from './guaranteed-delete.js';
import { type ProtectedNode, protectedCreate } from './protected-create.js';
import { type SequentialNode, sortSequential } from './sequence.js';
import { isSessionGone } from './session-guard.js';
import { isTransientError, retryDelayMs, waitForDelete } from './wait-for-delete.js';

/** The answer of a {@link LockDriver} for one listing of the contenders. */
export type LockDecision = { acquired: true } | { acquired: false; waitFor: string };

/** Decides ownership from the sorted contenders (Curator's `LockInternalsDriver`). */
export interface LockDriver {
  /** Whether a child takes part in this lock's queue. Must accept our own node. */
  isContender(node: SequentialNode): boolean;
  /** Our node is `contenders[ourIndex]`; `waitFor` must name a contender with a lower sequence. */
  check(contenders: readonly SequentialNode[], ourIndex: number): LockDecision;
  /**
   * Set when every contender node is created in sequential mode (so no node with a lower sequence
   * than ours can appear after we listed) and `check` is monotone (fewer nodes ahead never turns
   * "acquired" into "wait"). Then, when the node we waited for is deleted, the previous listing
   * minus that node decides without listing again (saves a round trip per hand-over). Must not be
   * set for the read/write lock: a downgrade creates a plain read node with an older sequence.
   */
  trustSnapshot?: boolean;
}

/** Options of {@link acquireLockNode}. */
export interface AcquireLockNodeOptions {
  /** Our node's name after the protected prefix, before the counter, e.g. `lock-`. */
  nodeName: string;
  /** Data stored in our node (e.g. the participant id). */
  data?: Uint8Array | string | undefined;
  signal?: AbortSignal | undefined;
  /** `false`: give up (and delete our node) instead of waiting. Default true. */
  wait?: boolean | undefined;
  /** Called once per wait on another node (for statistics and tests). */
  onWait?: ((waitFor: string) => void) | undefined;
}

const MAX_RESTARTS = 10;

/**
 * The full path of a child.
 *
 * @example
 * ```ts
 * childPath('/locks/a', 'lock-0000000001'); // '/locks/a/lock-0000000001'
 * ```
 */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/**
 * Queues for a lock and resolves with our node once it owns the lock.
 *
 * @example
 * ```ts
 * const node = await acquireLockNode(client, '/locks/orders', mutexDriver, { nodeName: 'lock-', signal });
 * ```
 */
export async function acquireLockNode(
  client: ZooKeeperClient,
  basePath: string,
  driver: LockDriver,
  options: AcquireLockNodeOptions,
): Promise<ProtectedNode | null> {
  const { signal } = options;
  for (let restart = 0; ; restart++) {
    if (restart > MAX_RESTARTS) {
      throw new RecipeError(`lock node under ${basePath} disappeared ${MAX_RESTARTS} times in a row`);
    }
    const creating = protectedCreate(client, basePath, options.nodeName, {
      mode: 'ephemeral-sequential',
      data: options.data,
      signal,
    });
    // Pipelined: the session's requests are served in order, so this listing normally already
    // includes our node (saves a round trip); when it does not, contend() lists again.
    const listing = client.getChildren(basePath).catch(() => undefined);
    let node: ProtectedNode;
    try {
      node = await creating;
    } catch (err) {
      void listing;
      throw err;
    }
    let outcome: 'acquired' | 'not-acquired' | 'restart';
    try {
      outcome = await contend(client, basePath, node, driver, options, await listing);
    } catch (err) {
      releaseLockNode(client, node).catch(() => {});
      throw err;
    }
    if (outcome === 'acquired') return node;
    await releaseLockNode(client, node);
    if (outcome === 'not-acquired') return null;
  }
}

async function contend(
  client: ZooKeeperClient,
  basePath: string,
  node: ProtectedNode,
  driver: LockDriver,
  options: AcquireLockNodeOptions,
  prefetched: string[] | undefined,
): Promise<'acquired' | 'not-acquired' | 'restart'> {
  const { signal } = options;
  const owner = node.stat.ephemeralOwner;
  let listed = prefetched?.includes(node.name) ? prefetched : undefined;
  for (let attempt = 1; ; ) {
    signal?.throwIfAborted();
    if (isSessionGone(client, owner)) return 'restart';
    let children: string[];
    if (listed) {
      children = listed;
      listed = undefined;
    } else {
      try {
        children = await client.getChildren(basePath, signal ? { signal } : {});
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (err instanceof NoNodeError || err instanceof SessionExpiredError) return 'restart';
        if (!isTransientError(err)) throw err;
        await sleep(retryDelayMs(attempt++), signal);
        continue;
      }
    }
    const contenders = sortSequential(children, driver.isContender);
    const ourIndex = contenders.findIndex((c) => c.name === node.name);
    if (ourIndex < 0) return 'restart';
    const decision = driver.check(contenders, ourIndex);
    if (decision.acquired) return isSessionGone(client, owner) ? 'restart' : 'acquired';
    if (options.wait === false) return 'not-acquired';
    options.onWait?.(decision.waitFor);
    try {
      await waitForDelete(client, childPath(basePath, decision.waitFor), { signal, ownerSessionId: owner });
    } catch (err) {
      if (err instanceof SessionLostError && err.reason === 'expired' && !signal?.aborted) return 'restart';
      if (err instanceof SessionLostError && err.reason === 'closed')
        throw new ClientClosedError(undefined, { cause: err });
      throw err;
    }
    if (driver.trustSnapshot) {
      const rest = contenders.filter((c) => c.name !== decision.waitFor);
      const again = driver.check(
        rest,
        rest.findIndex((c) => c.name === node.name),
      );
      if (again.acquired && !isSessionGone(client, owner)) return 'acquired';
    }
  }
}

/**
 * Deletes an owned (or abandoned) lock node; never rejects for transient failures.
 *
 * @example
 * ```ts
 * await releaseLockNode(client, node);
 * ```
 */
export async function releaseLockNode(
  client: ZooKeeperClient,
  node: ProtectedNode,
): Promise<DeleteOutcome | 'in-background'> {
  const deletion = guaranteedDelete(client, node.path, { ephemeralOwner: node.stat.ephemeralOwner });
  if (client.state === 'connected' || client.state === 'reconnected') return deletion;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'in-background'>((resolve) => {
    timer = setTimeout(() => resolve('in-background'), 2000);
  });
  try {
    return await Promise.race([deletion, bound]);
  } finally {
    clearTimeout(timer);
  }
}
