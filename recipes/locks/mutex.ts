/**
 * `Mutex`: Curator's `InterProcessMutex` for Node.js.
 * @module
 */
import type { ZooKeeperClient } from '../../src/index.js';
import { exclusiveDriver, LOCK_NODE_NAME } from './lock-drivers.js';
import { type LockOptions, SequentialLock } from './sequential-lock.js';

/** Options of a {@link Mutex}. */
export interface MutexOptions extends LockOptions {
  /**
   * Extra node-name suffixes that queue with ours, for interop with other clients' lock nodes on
   * the same path (like kazoo's `extra_lock_patterns`), e.g. `['__lock__']` for kazoo. Curator's
   * `lock-` nodes always interoperate.
   */
  extraNodeNames?: readonly string[];
}

/**
 * A fair, exclusive, herd-free distributed lock. Contenders queue as protected
 * ephemeral-sequential nodes `<path>/_c_<uuid>-lock-NNNNNNNNNN` (Curator's layout, so Curator
 * `InterProcessMutex` users on the same path queue with us); each waiter watches only its
 * immediate predecessor with `getData`, so a release wakes exactly one waiter. The lock path is
 * created as a container node and disappears when unused.
 *
 * **Re-entrancy.** Not re-entrant: each `acquire()` is a new contender, and two tasks sharing one
 * `Mutex` instance exclude each other like two processes would. Calling `acquire()` again while
 * holding the lock in the same async flow therefore waits for yourself; use `handle.reenter()`
 * for explicit nested holds instead.
 *
 * **Connection loss.** While `suspended`, waiters keep waiting (their watch survives the
 * reconnect) and a holder keeps its handle (unless `suspendedIsLost`); holders should pause
 * protected work if they cannot tolerate the window. On `lost`, a holder's `handle.lost` aborts and
 * `lost$` emits (the server has deleted the node; someone else may own the lock now). A waiter
 * whose session is lost re-queues automatically in the client's new session (it keeps its
 * `signal`/`timeoutMs`). A failed or aborted acquire deletes its node (guaranteed delete).
 *
 * @example
 * ```ts
 * const mutex = new Mutex(client, '/locks/orders');
 * await using lock = await mutex.acquire({ timeoutMs: 5_000 });
 * await db.write(order, { fencingToken: lock.fencingToken.czxid, signal: lock.lost });
 * ```
 */
export class Mutex extends SequentialLock {
  constructor(client: ZooKeeperClient, path: string, options: MutexOptions = {}) {
    const names = [LOCK_NODE_NAME, ...(options.extraNodeNames ?? [])];
    super(client, path, LOCK_NODE_NAME, exclusiveDriver(1, names), () => 'lock', options);
  }
}
