/**
 * The work-assignment recipe's public class: joining and leaving the group, the session states,
 * progress. The rest has its own module: `rebalance-loop.ts` (plan and act), `held-items.ts`
 * (each owned item's life and signal), `worker-roster.ts` (the members), `ownership-view.ts`
 * (items and owner nodes), `item-ops.ts` (the ZooKeeper operations on one item).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Observable, Subscription } from 'rxjs';
import { type CallOptions, NoNodeError, type SessionState, type ZooKeeperClient } from '../../src/index.js';
import { abortable, combineSignal, type WaitOptions } from '../internal/abortable.js';
import { GroupMember } from '../membership/group-member.js';
import { HeldItems } from './held-items.js';
import { writeFencedProgress } from './item-ops.js';
import { NotItemOwnerError } from './not-item-owner-error.js';
import type { OwnedItem } from './owned-item.js';
import { OwnershipView } from './ownership-view.js';
import { RebalanceLoop } from './rebalance-loop.js';
import { WorkPaths } from './work-paths.js';
import { WorkerRoster } from './worker-roster.js';

export type { OwnedItem } from './owned-item.js';

/**
 * Options of {@link WorkAssignment}.
 *
 * @example
 * ```ts
 * const opts: WorkAssignmentOptions = { workerId: 'collector-3', capacity: 2 };
 * ```
 */
export interface WorkAssignmentOptions {
  /** This worker's id (unique in the group). Default: a random UUID. */
  workerId?: string;
  /**
   * This worker's share weight: items are split in proportion to the capacities the workers
   * report (all 1 = balance by count). 0 = take no items (drain). Default 1.
   */
  capacity?: number;
  /** Claims sent at once. Default 32. */
  maxConcurrentClaims?: number;
  /**
   * Wait until the membership has been stable this long before acting on a change (kazoo's
   * `time_boundary`), so a rolling start does not shuffle items back and forth. Default 0.
   */
  settleMs?: number;
}

/**
 * Work assignment for a group of workers (the seed notes' distributed log collection: log
 * sources are the items, collectors the workers). Every item is owned by exactly one live
 * worker; items are balanced by count or by the capacity each worker reports; when a worker
 * joins or dies only the items that must move do; owners write progress under their items, which
 * the next owner reads.
 *
 * Layout under `path` (see `WorkPaths`): `workers/<id>` (ephemeral members, a `GroupMember`),
 * `items/<item>` (persistent, added with `addWorkItems`), `items/<item>/owner` (ephemeral, the
 * one owner) and `items/<item>/progress`.
 *
 * Algorithm: each worker watches the members, the item list and every item's owner node, and
 * computes the same deterministic sticky plan (`planAssignment`): capacity-proportional targets,
 * every live owner keeps its items up to its target, the rest (items without owner, items of
 * dead workers, the excess of over-target workers) go to the workers below target. Then each
 * worker acts only on its own part: it RELEASES items the plan gives to someone else (first
 * aborts their signal, then deletes its owner node) and CLAIMS items the plan gives to it once
 * their owner node is gone (one multi: create the ephemeral owner node + bump the item's
 * version, the epoch). Workers never coordinate otherwise, and nobody stops the world: unlike
 * kazoo's SetPartitioner, which releases every partition on each membership change, an item
 * keeps being worked on unless it moves.
 *
 * Guarantees:
 * - At most one owner per item at any time: the owner node is created only when absent, and
 *   only by the worker that will own it; it disappears only when the owner released it (after
 *   stopping) or the owner's session ended.
 * - Across a session expiry too: an owner stops on `suspended`, which the client reports
 *   (after its read timeout, 2/3 of the session timeout at most) before the server can expire the
 *   session and let anyone else create the owner node.
 * - `progress()` is fenced: it commits only if the item's version still equals our epoch, so a
 *   stale owner can never overwrite the next owner's progress.
 * - The one case no ZooKeeper client can see coming is a process frozen (GC pause, SIGSTOP, VM
 *   migration) for longer than the session timeout: it wakes up believing it still owns its
 *   items for the moment until its client notices. `progress()` stays safe (fenced); for side
 *   effects elsewhere pass `epoch` as a fencing token to the downstream system.
 * - Liveness: with stable membership every item gets an owner within one round of watch events;
 *   a dead worker's items move once the server expires its session (the session timeout).
 *
 * **Connection loss.** On `suspended` (and `read-only`) every owned item's signal aborts and
 * `assignments$` emits `[]`; the owner nodes stay (the session may be alive), so no one else
 * takes the items. On `reconnected` with the same session the items whose owner node is still
 * ours are resumed (new signals, same epoch) and rebalancing continues. On `lost` every item is
 * dropped; after the new session the worker rejoins and claims its share again.
 *
 * @example
 * ```ts
 * await addWorkItems(client, '/logs', ['host-1', 'host-2', 'host-3']);
 * await using worker = new WorkAssignment(client, '/logs', { workerId: 'collector-1' });
 * worker.assignments$.subscribe((items) => {
 *   for (const { item, signal } of items) void tail(item, signal, (offset) => worker.progress(item, String(offset)));
 * });
 * await worker.start({ timeoutMs: 10_000 });
 * ```
 */
export class WorkAssignment implements AsyncDisposable {
  /** This worker's id. */
  readonly workerId: string;
  /** The items this worker owns and may work on now; replays the latest list (sorted). */
  readonly assignments$: Observable<readonly OwnedItem[]>;
  readonly #client: ZooKeeperClient;
  readonly #paths: WorkPaths;
  readonly #member: GroupMember<{ capacity: number }>;
  readonly #view: OwnershipView;
  readonly #held: HeldItems;
  readonly #roster: WorkerRoster;
  readonly #loop: RebalanceLoop;
  #subs: Subscription[] = [];
  #started = false;
  #closing: Promise<void> | undefined;
  #stateGen = 0;
  #firstSyncDone: () => void = () => {};
  readonly #firstSync = new Promise<void>((resolve) => {
    this.#firstSyncDone = resolve;
  });

  /**
   * @param client the client
   * @param path the group's root node
   * @param opts worker id, capacity
   */
  constructor(client: ZooKeeperClient, path: string, opts: WorkAssignmentOptions = {}) {
    this.#client = client;
    const paths = new WorkPaths(path);
    this.#paths = paths;
    const capacity = opts.capacity ?? 1;
    assertCapacity(capacity);
    const maxClaims = opts.maxConcurrentClaims ?? 32;
    const settleMs = opts.settleMs ?? 0;
    if (!Number.isFinite(settleMs) || settleMs < 0) {
      throw new RangeError(`settleMs must be a finite number >= 0, got ${String(opts.settleMs)}`);
    }
    this.#member = new GroupMember(client, paths.workers, {
      ...(opts.workerId === undefined ? {} : { id: opts.workerId }),
      payload: { capacity },
    });
    const workerId = this.#member.id;
    this.workerId = workerId;
    const kick = (): void => this.#loop.kick();
    const view = new OwnershipView(client, paths, kick, (item) => this.#onOwnerDeleted(item));
    const nonce = randomUUID();
    const held = new HeldItems({ client, paths, workerId, nonce, kick });
    const roster = new WorkerRoster(workerId);
    this.#view = view;
    this.#held = held;
    this.#roster = roster;
    this.#loop = new RebalanceLoop({
      client,
      paths,
      workerId,
      nonce,
      held,
      view,
      roster,
      maxClaims,
      settleMs,
      isStarted: () => this.#started,
      isClosing: () => this.#closing !== undefined,
    });
    this.assignments$ = held.assignments$;
  }

  /** The items owned and workable now. @example `worker.assignments.map((a) => a.item)` */
  get assignments(): readonly OwnedItem[] {
    return this.#held.assignments;
  }

  /**
   * Joins the group and starts taking items. Resolves once joined and the first view is read
   * (claims continue in the background: follow `assignments$`).
   *
   * @example
   * ```ts
   * await worker.start({ timeoutMs: 10_000 });
   * ```
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#client.mkdirp(this.#paths.items, { mode: 'persistent', ...opts });
    this.#held.sessionId = this.#client.sessionId;
    this.#subs.push(
      this.#member.members$.subscribe((m) => {
        this.#roster.update(m);
        this.#loop.kick();
      }),
    );
    // The replayed current state starts the first #resume, which reads the view, while our
    // member node is being created.
    this.#subs.push(this.#client.state$.subscribe((s) => this.#onState(s)));
    await Promise.all([this.#member.start(opts), abortable(this.#firstSync, combineSignal(opts))]);
  }

  /**
   * Changes this worker's capacity (its share); the group rebalances, moving only what must move.
   *
   * @example
   * ```ts
   * await worker.setCapacity(0); // drain: give every item away
   * ```
   */
  async setCapacity(capacity: number, opts: WaitOptions = {}): Promise<void> {
    assertCapacity(capacity);
    await this.#member.updatePayload({ capacity }, opts);
  }

  /**
   * Writes this worker's progress for an item it owns (fenced by the epoch; see the class doc).
   * Rejects with {@link NotItemOwnerError} when it does not own the item (any more).
   *
   * @example
   * ```ts
   * await worker.progress('host-1', JSON.stringify({ offset: 1024 }));
   * ```
   */
  async progress(item: string, value: Uint8Array | string, opts: CallOptions = {}): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const held = this.#held.get(item);
      if (!held?.controller) throw new NotItemOwnerError(item, this.workerId);
      try {
        if (await writeFencedProgress(this.#client, this.#paths, item, held.fence, value, opts)) return;
      } catch (err) {
        if (err instanceof NoNodeError) throw new NotItemOwnerError(item, this.workerId, { cause: err });
        throw err;
      }
      // The item's version moved: fine if the owner node is still ours (someone edited the
      // item's data); otherwise another worker took the item.
      if (!(await this.#held.refreshFence(held))) break;
    }
    throw new NotItemOwnerError(item, this.workerId);
  }

  /**
   * The last progress written for an item (by any owner), or `null`.
   *
   * @example
   * ```ts
   * const from = await worker.readProgress('host-1');
   * ```
   */
  async readProgress(item: string, opts: CallOptions = {}): Promise<Buffer | null> {
    try {
      return (await this.#client.getData(this.#paths.progress(item), opts)).data;
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  /**
   * Stops: aborts every item's signal, releases the items (deletes the owner nodes) and leaves
   * the group, so the others take over at once. Idempotent.
   *
   * @example
   * ```ts
   * await worker.close();
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  /** Same as {@link WorkAssignment.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #doClose(): Promise<void> {
    for (const s of this.#subs) s.unsubscribe();
    this.#subs = [];
    this.#loop.suspend();
    this.#view.close();
    await this.#loop.idle();
    const items = this.#held.items();
    this.#held.pauseAll('closed');
    await Promise.all(items.map((item) => this.#held.release(item)));
    this.#held.emit();
    this.#held.complete();
    await this.#member.close();
  }

  #onState(state: SessionState): void {
    if (this.#closing) return;
    const gen = ++this.#stateGen;
    if (state === 'suspended' || state === 'read-only') {
      this.#loop.suspend();
      this.#held.pauseAll('suspended');
      this.#held.emit();
    } else if (state === 'lost' || state === 'closed') {
      this.#loop.suspend();
      this.#held.dropAll(state === 'lost' ? 'expired' : 'closed');
      this.#held.emit();
    } else if (state === 'connected' || state === 'reconnected') {
      void this.#resume(gen);
    }
  }

  /** Back online: verify what we held, re-read the view, then act again (unless state moved on). */
  async #resume(gen: number): Promise<void> {
    const session = this.#client.sessionId;
    if (session !== this.#held.sessionId) {
      this.#held.dropAll('expired');
      this.#held.sessionId = session;
      this.#held.emit();
    }
    // Same session: an owner node may have been deleted while we were away; check each.
    await Promise.all(this.#held.values().map((held) => this.#held.refreshFence(held)));
    await this.#view.resync();
    this.#firstSyncDone();
    if (gen !== this.#stateGen || this.#closing) return;
    this.#loop.resume();
  }

  /** Our owner node of a held item was deleted by someone else: we no longer own it. */
  #onOwnerDeleted(item: string): void {
    if (!this.#held.has(item) || this.#held.isReleasing(item)) return;
    this.#held.drop(item, 'node-deleted');
    this.#held.emit();
    this.#loop.kick();
  }
}

function assertCapacity(capacity: number): void {
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0) {
    throw new RangeError(`capacity must be a finite number >= 0, got ${String(capacity)}`);
  }
}
