import { randomUUID } from 'node:crypto';
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { type CallOptions, NoNodeError, type SessionState, type ZooKeeperClient } from '../../src/index.js';
import { abortable, combineSignal, sleep, type WaitOptions } from '../internal/abortable.js';
import { SessionLostError } from '../internal/errors.js';
import { retryDelayMs } from '../internal/wait-for-delete.js';
import { GroupMember } from '../membership/group-member.js';
import { planAssignment } from './assignment-plan.js';
import { claimItem, readOwnFence, releaseOwnerNode, writeFencedProgress } from './item-ops.js';
import { OwnershipView } from './ownership-view.js';
import { NotItemOwnerError } from './not-item-owner-error.js';
import { WorkPaths } from './work-paths.js';

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
 * An item this worker owns and may work on now.
 *
 * @example
 * ```ts
 * for (const a of assignments) startTailing(a.item, a.signal);
 * ```
 */
export interface OwnedItem {
  /** The item's name. */
  readonly item: string;
  /**
   * The item node's data version right after this worker took it: grows with every change of
   * owner, so it can serve as a fencing token in systems outside ZooKeeper.
   */
  readonly epoch: number;
  /**
   * Aborts the moment this worker must stop working on the item: with a `NotItemOwnerError` when
   * the item moves to another worker, a `SessionLostError` (reason `suspended`, `expired`,
   * `closed` or `node-deleted`) otherwise.
   */
  readonly signal: AbortSignal;
}

interface Held {
  readonly item: string;
  readonly epoch: number;
  fence: number;
  /** The owner node was seen to be ours since the last pause. */
  verified: boolean;
  controller: AbortController | null;
  view: OwnedItem | null;
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
  readonly #nonce = randomUUID();
  readonly #member: GroupMember<{ capacity: number }>;
  readonly #view: OwnershipView;
  readonly #subject = new BehaviorSubject<readonly OwnedItem[]>([]);
  readonly #held = new Map<string, Held>();
  readonly #releasing = new Set<string>();
  /** czxids of owner nodes of ours that we deleted: stale view records of them are ignored. */
  readonly #deadCzxids = new Set<bigint>();
  readonly #maxClaims: number;
  #workers: ReadonlyMap<string, number> = new Map();
  #subs: Subscription[] = [];
  #sessionId = 0n;
  #active = false;
  #started = false;
  #closing: Promise<void> | undefined;
  #dirty = false;
  #failed = false;
  #stateGen = 0;
  #membersKnown = false;
  #firstSyncDone: () => void = () => {};
  readonly #firstSync = new Promise<void>((resolve) => {
    this.#firstSyncDone = resolve;
  });
  #loop: Promise<void> | undefined;
  readonly #settleMs: number;
  #membersChangedAt = 0;

  /**
   * @param client the client
   * @param path the group's root node
   * @param opts worker id, capacity
   */
  constructor(client: ZooKeeperClient, path: string, opts: WorkAssignmentOptions = {}) {
    this.#client = client;
    this.#paths = new WorkPaths(path);
    const capacity = opts.capacity ?? 1;
    assertCapacity(capacity);
    this.#maxClaims = opts.maxConcurrentClaims ?? 32;
    this.#settleMs = opts.settleMs ?? 0;
    if (!Number.isFinite(this.#settleMs) || this.#settleMs < 0) {
      throw new RangeError(`settleMs must be a finite number >= 0, got ${String(opts.settleMs)}`);
    }
    this.#member = new GroupMember(client, this.#paths.workers, {
      ...(opts.workerId === undefined ? {} : { id: opts.workerId }),
      payload: { capacity },
    });
    this.workerId = this.#member.id;
    this.#view = new OwnershipView(
      client,
      this.#paths,
      () => this.#kick(),
      (item) => this.#onOwnerDeleted(item),
    );
    this.assignments$ = this.#subject.asObservable();
  }

  /** The items owned and workable now. @example `worker.assignments.map((a) => a.item)` */
  get assignments(): readonly OwnedItem[] {
    return this.#subject.value;
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
    this.#sessionId = this.#client.sessionId;
    this.#subs.push(
      this.#member.members$.subscribe((m) => {
        const workers = new Map<string, number>();
        for (const [id, p] of m) workers.set(id, typeof p?.capacity === 'number' ? p.capacity : 1);
        if (!this.#membersKnown || !sameWorkers(this.#workers, workers))
          this.#membersChangedAt = performance.now();
        this.#workers = workers;
        // Act only once the group view includes us: then it is at least as new as our join.
        this.#membersKnown = workers.has(this.workerId);
        this.#kick();
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
      if (!(await this.#refreshFence(held))) break;
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
    this.#active = false;
    this.#view.close();
    await this.#loop?.catch(() => undefined);
    const items = [...this.#held.keys()];
    for (const item of items) this.#pause(item, 'closed');
    await Promise.all(items.map((item) => this.#release(item)));
    this.#emit();
    this.#subject.complete();
    await this.#member.close();
  }

  #onState(state: SessionState): void {
    if (this.#closing) return;
    const gen = ++this.#stateGen;
    if (state === 'suspended' || state === 'read-only') {
      this.#active = false;
      for (const item of this.#held.keys()) this.#pause(item, 'suspended');
      this.#emit();
    } else if (state === 'lost' || state === 'closed') {
      this.#active = false;
      for (const item of this.#held.keys()) this.#pause(item, state === 'lost' ? 'expired' : 'closed');
      this.#held.clear();
      this.#emit();
    } else if (state === 'connected' || state === 'reconnected') {
      void this.#resume(gen);
    }
  }

  /** Back online: verify what we held, re-read the view, then act again (unless state moved on). */
  async #resume(gen: number): Promise<void> {
    const session = this.#client.sessionId;
    if (session !== this.#sessionId) {
      for (const item of this.#held.keys()) this.#pause(item, 'expired');
      this.#held.clear();
      this.#sessionId = session;
      this.#emit();
    }
    // Same session: an owner node may have been deleted while we were away; check each.
    await Promise.all([...this.#held.values()].map((held) => this.#refreshFence(held)));
    await this.#view.resync();
    this.#firstSyncDone();
    if (gen !== this.#stateGen || this.#closing) return;
    this.#active = true;
    this.#kick();
  }

  /** Our owner node of a held item was deleted by someone else: we no longer own it. */
  #onOwnerDeleted(item: string): void {
    if (!this.#held.has(item) || this.#releasing.has(item)) return;
    this.#pause(item, 'node-deleted');
    this.#held.delete(item);
    this.#emit();
    this.#kick();
  }

  #kick(): void {
    this.#dirty = true;
    if (!this.#loop && this.#started && !this.#closing) {
      this.#loop = this.#run().finally(() => {
        this.#loop = undefined;
        // A kick that arrived after the loop's last check but before this point would be lost.
        if (this.#dirty && this.#active && !this.#closing) this.#kick();
      });
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#dirty && !this.#closing) {
      this.#dirty = false;
      // Not before the group view shows us: planning alone would grab every item.
      if (!this.#active || !this.#membersKnown || this.#client.state === 'closed') return;
      for (;;) {
        // Membership must have been stable for settleMs (each change restarts the wait).
        const settle = this.#settleMs - (performance.now() - this.#membersChangedAt);
        if (settle <= 0 || this.#closing) break;
        await sleep(settle);
      }
      if (this.#view.stale) {
        await this.#view.resync();
        if (this.#view.stale) {
          // Reads keep failing (connection trouble, client closing): back off on a real timer,
          // never spin on rejected promises.
          this.#dirty = true;
          await sleep(retryDelayMs(++failures));
          continue;
        }
      }
      this.#failed = false;
      await this.#reconcile();
      if (this.#failed) {
        // A claim failed for a reason other than losing the race: retry later, with backoff.
        this.#dirty = true;
        await sleep(retryDelayMs(++failures));
      } else {
        failures = 0;
      }
    }
  }

  /** One pass: verify paused items, release what moves away, claim what comes to us. */
  async #reconcile(): Promise<void> {
    const session = this.#client.sessionId;
    const owners = new Map<string, string>();
    const visible = new Set<bigint>();
    for (const [item, o] of this.#view.owners) {
      visible.add(o.czxid);
      if (this.#releasing.has(item) || this.#deadCzxids.has(o.czxid)) continue;
      const held = this.#held.get(item);
      if (held && o.nonce !== this.#nonce) {
        // Someone else's node: ours is gone (safety net; normally seen as a deleted event).
        this.#pause(item, 'node-deleted');
        this.#held.delete(item);
      }
      if (o.nonce === this.#nonce && o.sessionId !== session) {
        // Our node from an earlier session, which we stopped using: it goes when the server
        // expires that session. Nobody can claim the item before (the node exists).
        continue;
      }
      if (o.nonce === this.#nonce && !this.#held.has(item)) {
        this.#held.set(item, { item, epoch: -1, fence: -1, verified: false, controller: null, view: null });
      }
      owners.set(item, o.worker);
    }
    for (const czxid of this.#deadCzxids) if (!visible.has(czxid)) this.#deadCzxids.delete(czxid);
    for (const item of this.#held.keys()) owners.set(item, this.workerId);
    const workers = new Map(this.#workers);
    const plan = planAssignment({ workers, items: [...this.#view.items], owners });
    const releases = [...this.#held.keys()].filter((item) => plan.get(item) !== this.workerId);
    for (const item of releases) this.#pause(item, 'moved');
    if (releases.length > 0) this.#emit();
    await Promise.all(releases.map((item) => this.#release(item)));
    for (const held of [...this.#held.values()]) {
      if (held.controller || !this.#active) continue;
      if (!held.verified) await this.#refreshFence(held);
      if (held.verified && this.#held.get(held.item) === held) this.#activate(held);
      else if (this.#held.get(held.item) === held) this.#failed = true; // could not tell: retry
    }
    // Claim only items whose owner node the view has seen go (a record we know to be dead
    // waits for the view: its delete event is on the way).
    const claims = [...plan]
      .filter(
        ([item, w]) =>
          w === this.workerId &&
          !this.#held.has(item) &&
          !this.#releasing.has(item) &&
          !this.#view.owners.has(item),
      )
      .map(([item]) => item);
    for (let i = 0; i < claims.length && this.#active; i += this.#maxClaims) {
      await Promise.all(claims.slice(i, i + this.#maxClaims).map((item) => this.#claim(item)));
    }
    this.#emit();
  }

  async #claim(item: string): Promise<void> {
    if (!this.#active || this.#closing) return;
    const r = await claimItem(this.#client, this.#paths, item, this.workerId, this.#nonce);
    if (r.kind === 'claimed') {
      const held: Held = {
        item,
        epoch: r.epoch,
        fence: r.epoch,
        verified: true,
        controller: null,
        view: null,
      };
      this.#held.set(item, held);
      if (this.#active && !this.#closing) this.#activate(held);
    } else if (r.kind === 'taken') void this.#view.refreshOwner(item);
    else if (r.kind === 'changed') this.#kick();
    else if (r.kind === 'failed') this.#failed = true;
  }

  async #release(item: string): Promise<void> {
    this.#held.delete(item);
    this.#releasing.add(item);
    try {
      const czxid = await releaseOwnerNode(this.#client, this.#paths, item, this.#nonce, this.#sessionId);
      if (czxid !== undefined) this.#deadCzxids.add(czxid);
    } finally {
      this.#releasing.delete(item);
      // The deleted event may have been handled while the item was still marked releasing.
      this.#kick();
    }
  }

  /** Re-reads the fence; false (and drops the item when it is not ours) unless still ours. */
  async #refreshFence(held: Held): Promise<boolean> {
    const fence = await readOwnFence(this.#client, this.#paths, held.item, this.#nonce);
    if (typeof fence === 'number') {
      held.fence = fence;
      held.verified = true;
      return true;
    }
    if (fence === null && this.#held.get(held.item) === held) {
      this.#pause(held.item, 'node-deleted');
      this.#held.delete(held.item);
      this.#emit();
    }
    return false;
  }

  #activate(held: Held): void {
    const controller = new AbortController();
    held.controller = controller;
    held.view = {
      item: held.item,
      epoch: held.epoch < 0 ? held.fence : held.epoch,
      signal: controller.signal,
    };
  }

  /** Aborts the item's signal: `moved` with a NotItemOwnerError, the rest with a SessionLostError. */
  #pause(item: string, reason: SessionLostError['reason'] | 'moved'): void {
    const held = this.#held.get(item);
    if (!held) return;
    held.verified = false;
    if (!held.controller) return;
    held.controller.abort(
      reason === 'moved'
        ? new NotItemOwnerError(item, this.workerId)
        : new SessionLostError(this.#sessionId, reason, `item ${item} is no longer owned (${reason})`),
    );
    held.controller = null;
    held.view = null;
  }

  #emit(): void {
    if (this.#subject.closed) return;
    const next = [...this.#held.values()]
      .filter((h) => h.view !== null)
      .map((h) => h.view!)
      .sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    const prev = this.#subject.value;
    if (next.length === prev.length && next.every((v, i) => v === prev[i])) return;
    this.#subject.next(next);
  }
}

function sameWorkers(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function assertCapacity(capacity: number): void {
  if (typeof capacity !== 'number' || !Number.isFinite(capacity) || capacity < 0) {
    throw new RangeError(`capacity must be a finite number >= 0, got ${String(capacity)}`);
  }
}
