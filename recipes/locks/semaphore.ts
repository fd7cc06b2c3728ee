/**
 * `Semaphore`: Curator's `InterProcessSemaphoreV2` for Node.js.
 * @module
 */
import {
  BadVersionError,
  InvalidArgumentError,
  NodeExistsError,
  NoNodeError,
  type ZooKeeperClient,
} from '../../src/index.js';
import { RecipeError } from '../internal/errors.js';
import { acquireLockNode, childPath, releaseLockNode } from '../internal/lock-internals.js';
import { type ProtectedNode, protectedCreate } from '../internal/protected-create.js';
import { isSessionGone } from '../internal/session-guard.js';
import { isTransientError, retryDelayMs } from '../internal/wait-for-delete.js';
import { abortable, combineSignal, sleep, type WaitOptions } from '../internal/wait-signal.js';
import { watchTrigger } from '../internal/watch-trigger.js';
import { SemaphoreMismatchError } from './errors.js';
import { exclusiveDriver, LOCK_NODE_NAME } from './lock-drivers.js';
import { LockHandle } from './lock-handle.js';
import { listParticipants, type Participant } from './participants.js';
import { assertRecipePath, defaultParticipantId, type LockOptions } from './sequential-lock.js';
import { withHandle } from './with-handle.js';

/** A semaphore lease: the same handle as a lock (release, `await using`, `lost`, fencing token). */
export type Lease = LockHandle;

/** Options of a {@link Semaphore}. */
export interface SemaphoreOptions extends LockOptions {
  /** How many leases may be held at once (an integer >= 1). Every process must use the same. */
  maxLeases: number;
}

const LEASES = 'leases';
const LOCKS = 'locks';
const LEASE_NODE_NAME = 'lease-';
const MAX_RESTARTS = 10;

/**
 * A distributed counting semaphore with `maxLeases` leases. Layout as Curator's
 * `InterProcessSemaphoreV2` (`<path>/locks` holds a fair mutex that serialises acquirers, and
 * `<path>/leases` holds one protected ephemeral-sequential `lease-` node per lease), so Curator
 * processes share the semaphore. Only the acquirer holding the internal mutex watches the lease
 * pool, so a release wakes one process. `maxLeases` is stored as the data of `<path>` (as kazoo
 * does) and checked on every acquire: a different count raises `SemaphoreMismatchError`.
 *
 * **Connection loss.** As for `Mutex`: an acquirer rides out `suspended`; a lease's `lost` aborts
 * when its session is lost (the server deleted the lease node, so another process may take the
 * slot). An acquirer whose session is lost starts over in the new session. An aborted or failed
 * acquire deletes every node it created.
 *
 * @example
 * ```ts
 * const sem = new Semaphore(client, '/semaphores/db', { maxLeases: 4 });
 * await using lease = await sem.acquire({ timeoutMs: 10_000 });
 * await runQuery({ signal: lease.lost });
 * ```
 */
export class Semaphore {
  /** The semaphore's path. */
  readonly path: string;
  /** The number of leases. */
  readonly maxLeases: number;
  readonly #client: ZooKeeperClient;
  readonly #options: SemaphoreOptions;
  readonly #mutexDriver = exclusiveDriver(1, [LOCK_NODE_NAME]);

  constructor(client: ZooKeeperClient, path: string, options: SemaphoreOptions) {
    assertRecipePath(path);
    if (!Number.isSafeInteger(options?.maxLeases) || options.maxLeases < 1) {
      throw new InvalidArgumentError(`maxLeases must be an integer >= 1, got ${String(options?.maxLeases)}`);
    }
    this.#client = client;
    this.#options = options;
    this.path = path;
    this.maxLeases = options.maxLeases;
  }

  /**
   * Waits for one lease.
   *
   * @example
   * ```ts
   * const lease = await sem.acquire({ signal });
   * try { await work(); } finally { await lease.release(); }
   * ```
   */
  async acquire(opts: WaitOptions = {}): Promise<Lease> {
    const lease = await this.#acquireOne(combineSignal(opts), true);
    if (!lease) throw new Error('unreachable: waiting acquire returned no lease');
    return lease;
  }

  /**
   * Waits for `count` leases, all or nothing: on abort, timeout or error the leases taken so far
   * are returned.
   *
   * @example
   * ```ts
   * const leases = await sem.acquireMany(2, { timeoutMs: 5_000 });
   * ```
   */
  async acquireMany(count: number, opts: WaitOptions = {}): Promise<Lease[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > this.maxLeases) {
      throw new InvalidArgumentError(
        `count must be an integer in 1..${this.maxLeases}, got ${String(count)}`,
      );
    }
    const signal = combineSignal(opts);
    const leases: Lease[] = [];
    try {
      for (let i = 0; i < count; i++) leases.push((await this.#acquireOne(signal, true)) as Lease);
      return leases;
    } catch (err) {
      await Promise.allSettled(leases.reverse().map((l) => l.release()));
      throw err;
    }
  }

  /**
   * Takes a lease only if one is free right now; resolves `null` otherwise.
   *
   * @example
   * ```ts
   * const lease = await sem.tryAcquire();
   * ```
   */
  tryAcquire(opts: WaitOptions = {}): Promise<Lease | null> {
    return this.#acquireOne(combineSignal(opts), false);
  }

  /**
   * Runs `fn` while holding a lease (same error rules as `Mutex.withLock`).
   *
   * @example
   * ```ts
   * await sem.withLease(async (lost) => fetchAll({ signal: lost }));
   * ```
   */
  async withLease<T>(
    fn: (lost: AbortSignal, lease: Lease) => Promise<T> | T,
    opts: WaitOptions = {},
  ): Promise<T> {
    return withHandle(await this.acquire(opts), fn);
  }

  /**
   * Lease holders (role `holder`, kind `lease`) followed by acquirers queued on the internal lock
   * (role `waiter`, kind `lock`; the first of them may be watching the pool).
   *
   * @example
   * ```ts
   * const holders = (await sem.participants()).filter((p) => p.role === 'holder');
   * ```
   */
  async participants(opts: { signal?: AbortSignal } = {}): Promise<Participant[]> {
    const leaseDriver = exclusiveDriver(this.maxLeases, [LEASE_NODE_NAME]);
    const [leases, locks] = await Promise.all([
      listParticipants(this.#client, childPath(this.path, LEASES), leaseDriver, () => 'lease', opts),
      listParticipants(this.#client, childPath(this.path, LOCKS), this.#mutexDriver, () => 'lock', opts),
    ]);
    return [...leases, ...locks.map((p) => ({ ...p, role: 'waiter' as const }))];
  }

  async #acquireOne(signal: AbortSignal | undefined, wait: boolean): Promise<Lease | null> {
    for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
      await this.#checkMaxLeases(signal);
      const lock = await acquireLockNode(this.#client, childPath(this.path, LOCKS), this.#mutexDriver, {
        nodeName: LOCK_NODE_NAME,
        data: this.#options.participantId ?? defaultParticipantId(),
        signal,
        wait,
      });
      if (!lock) return null;
      let lease: ProtectedNode | undefined;
      try {
        lease = await protectedCreate(this.#client, childPath(this.path, LEASES), LEASE_NODE_NAME, {
          mode: 'ephemeral-sequential',
          data: this.#options.participantId ?? defaultParticipantId(),
          signal,
        });
        const outcome = await this.#waitForSlot(lease, signal, wait);
        if (outcome === 'granted') {
          return new LockHandle(this.#client, lease, {
            suspendedIsLost: this.#options.suspendedIsLost ?? false,
          });
        }
        releaseLockNode(this.#client, lease).catch(() => {});
        if (outcome === 'full') return null;
      } catch (err) {
        if (lease) releaseLockNode(this.#client, lease).catch(() => {});
        throw err;
      } finally {
        releaseLockNode(this.#client, lock).catch(() => {});
      }
    }
    throw new RecipeError(`semaphore ${this.path}: lease node disappeared ${MAX_RESTARTS} times in a row`);
  }

  async #waitForSlot(
    lease: ProtectedNode,
    signal: AbortSignal | undefined,
    wait: boolean,
  ): Promise<'granted' | 'full' | 'restart'> {
    const leasesPath = childPath(this.path, LEASES);
    for (let attempt = 1; ; ) {
      signal?.throwIfAborted();
      if (isSessionGone(this.#client, lease.stat.ephemeralOwner)) return 'restart';
      const trigger = watchTrigger();
      let children: string[];
      try {
        children = await this.#client.getChildren(leasesPath, {
          watch: trigger.listener,
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (err instanceof NoNodeError) return 'restart';
        if (!isTransientError(err)) throw err;
        await sleep(retryDelayMs(attempt++), signal);
        continue;
      }
      if (!children.includes(lease.name)) {
        trigger.dispose(this.#client, leasesPath, 'children');
        return 'restart';
      }
      if (children.length <= this.maxLeases) {
        trigger.dispose(this.#client, leasesPath, 'children');
        return isSessionGone(this.#client, lease.stat.ephemeralOwner) ? 'restart' : 'granted';
      }
      if (!wait) {
        trigger.dispose(this.#client, leasesPath, 'children');
        return 'full';
      }
      try {
        await abortable(trigger.fired, signal);
      } catch (err) {
        trigger.dispose(this.#client, leasesPath, 'children');
        throw err;
      }
    }
  }

  async #checkMaxLeases(signal: AbortSignal | undefined): Promise<void> {
    const wanted = String(this.maxLeases);
    const opts = signal ? { signal } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        const { data, stat } = await this.#client.getData(this.path, opts);
        const text = data.toString('utf8').trim();
        if (text === '') {
          await this.#client.setData(this.path, wanted, { ...opts, version: stat.version });
          return;
        }
        const stored = Number(text);
        if (stored !== this.maxLeases) throw new SemaphoreMismatchError(this.path, stored, this.maxLeases);
        return;
      } catch (err) {
        if (err instanceof NoNodeError) {
          try {
            await this.#client.create(this.path, wanted, {
              ...opts,
              mode: 'container',
              createParents: 'container',
            });
            return;
          } catch (createErr) {
            if (!(createErr instanceof NodeExistsError) && !isTransientError(createErr)) throw createErr;
          }
        } else if (!(err instanceof BadVersionError) && !isTransientError(err)) {
          throw err;
        }
        if (signal?.aborted) throw signal.reason;
        await sleep(retryDelayMs(attempt), signal);
      }
    }
  }
}
