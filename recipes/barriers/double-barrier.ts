// Double barrier (ZooKeeper's recipe, Curator's DistributedDoubleBarrier): members enter
// together once `memberCount` have arrived, and leave together once all have left.
import { randomUUID } from 'node:crypto';
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { retryTransient } from '../internal/retry-transient.js';
import { abortable, combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import { watchTrigger } from '../internal/watch-trigger.js';

/** Name of the node that marks "the threshold was reached" (Curator's `ready`). */
export const READY_NODE = 'ready';

/** Options of a {@link DoubleBarrier}. */
export interface DoubleBarrierOptions {
  /** Our member node's name (default: a random UUID, as Curator). Must be unique per member. */
  memberId?: string;
}

/**
 * A double barrier: `enter()` resolves once at least `memberCount` members have entered, and
 * `leave()` resolves once every member that entered has left. Layout (Curator's
 * `DistributedDoubleBarrier`): one ephemeral `<path>/<memberId>` per member and a `<path>/ready`
 * node created by the member that reaches the threshold.
 *
 * `memberCount` is a threshold, not a limit (Curator's `testOverSubscribed`): when more members
 * arrive, all of them enter — those arriving after `ready` exists enter at once — and all of
 * them must leave before anyone's `leave()` resolves. Leaving follows the recipe without a
 * herd: the lowest member watches the highest, every other member deletes its node and
 * watches the lowest; the last one out removes `ready`.
 *
 * An aborted or timed-out `enter()` deletes our node (guaranteed), so a member that gave up is
 * not counted. An aborted `leave()` stops waiting; our node is already gone or is deleted.
 *
 * **Connection loss.** On `suspended`, waits continue (watches survive a reconnect in the same
 * session; reads are retried). On `lost`, our ephemeral node is gone: a member still waiting to
 * enter creates its node again in the new session and keeps waiting; a member leaving treats
 * itself as left and waits for the others.
 *
 * @example
 * ```ts
 * const barrier = new DoubleBarrier(client, '/jobs/batch-7', 3);
 * await barrier.enter({ timeoutMs: 30_000 });   // all 3 workers start together
 * await doWork();
 * await barrier.leave({ timeoutMs: 30_000 });   // and finish together
 * ```
 */
export class DoubleBarrier {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #memberCount: number;
  readonly #memberId: string;
  readonly #ourPath: string;
  readonly #readyPath: string;

  constructor(
    client: ZooKeeperClient,
    path: string,
    memberCount: number,
    options: DoubleBarrierOptions = {},
  ) {
    if (!Number.isInteger(memberCount) || memberCount < 1) {
      throw new RangeError(`memberCount must be an integer >= 1, got ${memberCount}`);
    }
    const memberId = options.memberId ?? randomUUID();
    if (memberId === READY_NODE || memberId.includes('/') || memberId.length === 0) {
      throw new RangeError(`memberId must be a node name other than '${READY_NODE}', got '${memberId}'`);
    }
    this.#client = client;
    this.#path = path;
    this.#memberCount = memberCount;
    this.#memberId = memberId;
    this.#ourPath = `${path}/${memberId}`;
    this.#readyPath = `${path}/${READY_NODE}`;
  }

  /** Our member id (node name). */
  get memberId(): string {
    return this.#memberId;
  }

  /**
   * Registers this member and resolves once `memberCount` members have entered. On abort or
   * timeout our node is deleted and the call rejects with `signal.reason`.
   *
   * @example
   * ```ts
   * await barrier.enter({ signal });
   * ```
   */
  async enter(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    try {
      await this.#enter(signal);
    } catch (err) {
      void guaranteedDelete(this.#client, this.#ourPath);
      throw err;
    }
  }

  /**
   * Removes this member and resolves once every member has left.
   *
   * @example
   * ```ts
   * await barrier.leave({ timeoutMs: 10_000 });
   * ```
   */
  async leave(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    let ourNodeShouldExist = true;
    let sessionId = this.#client.sessionId;
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (this.#client.sessionId !== sessionId) {
          ourNodeShouldExist = false; // a new session: our ephemeral went with the old one
          sessionId = this.#client.sessionId;
        }
        const children = await this.#members(signal);
        if (children.length === 0) break;
        const ourIndex = children.indexOf(this.#memberId);
        if (ourIndex < 0) ourNodeShouldExist = false;
        if (children.length === 1 && ourIndex === 0) {
          await this.#deleteOurs();
          break;
        }
        if (children.length === 1 || ourIndex !== 0) {
          // Not the lowest: drop our node and wait for the lowest to go.
          if (ourNodeShouldExist) await this.#deleteOurs();
          ourNodeShouldExist = false;
          await this.#waitForDelete(children[0] as string, signal);
        } else {
          await this.#waitForDelete(children[children.length - 1] as string, signal);
        }
      }
    } catch (err) {
      void guaranteedDelete(this.#client, this.#ourPath);
      throw err;
    }
    try {
      await this.#client.delete(this.#readyPath);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
    }
  }

  async #enter(signal: AbortSignal | undefined): Promise<void> {
    let createdIn = 0n;
    for (;;) {
      signal?.throwIfAborted();
      const readyTrigger = watchTrigger();
      const ready = await retryTransient(
        () => this.#client.exists(this.#readyPath, { watch: readyTrigger.listener, signal }),
        signal,
      );
      if (createdIn !== this.#client.sessionId) createdIn = await this.#createOurs(signal);
      if (ready) return readyTrigger.dispose(this.#client, this.#readyPath, 'data');
      const members = await this.#members(signal);
      if (members.length >= this.#memberCount) {
        try {
          await retryTransient(
            () => this.#client.create(this.#readyPath, undefined, { mode: 'persistent' }),
            signal,
          );
        } catch (err) {
          if (!(err instanceof NodeExistsError)) throw err;
        }
        return readyTrigger.dispose(this.#client, this.#readyPath, 'data');
      }
      try {
        await abortable(readyTrigger.fired, signal);
      } catch (err) {
        readyTrigger.dispose(this.#client, this.#readyPath, 'data');
        throw err;
      }
    }
  }

  /** Creates our ephemeral node (reusing it when a lost reply already created it). */
  async #createOurs(signal: AbortSignal | undefined): Promise<bigint> {
    return retryTransient(async () => {
      try {
        const { stat } = await this.#client.create(this.#ourPath, undefined, {
          mode: 'ephemeral',
          createParents: 'container',
        });
        return stat.ephemeralOwner;
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
        const { stat } = await this.#client.getData(this.#ourPath);
        if (stat.ephemeralOwner === this.#client.sessionId) return stat.ephemeralOwner;
        throw new RangeError(`double barrier member '${this.#memberId}' is already taken by another session`);
      }
    }, signal);
  }

  async #deleteOurs(): Promise<void> {
    await guaranteedDelete(this.#client, this.#ourPath);
  }

  /** Member names (without `ready`), sorted. */
  async #members(signal: AbortSignal | undefined): Promise<string[]> {
    try {
      const children = await retryTransient(() => this.#client.getChildren(this.#path, { signal }), signal);
      return children.filter((c) => c !== READY_NODE).sort();
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  /** Waits until member `name` is deleted (getData watch: nothing left behind if it is gone). */
  async #waitForDelete(name: string, signal: AbortSignal | undefined): Promise<void> {
    const path = `${this.#path}/${name}`;
    const trigger = watchTrigger();
    try {
      await retryTransient(() => this.#client.getData(path, { watch: trigger.listener, signal }), signal);
    } catch (err) {
      if (err instanceof NoNodeError) return;
      throw err;
    }
    try {
      await abortable(trigger.fired, signal);
    } catch (err) {
      trigger.dispose(this.#client, path, 'data');
      throw err;
    }
  }
}
