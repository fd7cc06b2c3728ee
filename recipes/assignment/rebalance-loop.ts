/**
 * The rebalance loop of a `WorkAssignment` worker: every change it hears of (members, items,
 * owner nodes, a finished release) kicks it; kicks that arrive while it runs coalesce into one
 * more pass. A pass waits for the membership to settle, re-reads a stale view, computes the plan
 * (`planAssignment`) and acts on this worker's part only: verify paused items, release what the
 * plan gives to others, claim what it gives to us once the owner node is gone. Failed reads and
 * claims back off on a real timer.
 *
 * @module
 */
import type { ZooKeeperClient } from '../../src/index.js';
import { sleep } from '../internal/abortable.js';
import { retryDelayMs } from '../internal/wait-for-delete.js';
import { planAssignment } from './assignment-plan.js';
import type { HeldItems } from './held-items.js';
import { ownerKey } from './held-items.js';
import { type Claimed, claimItem, claimItemsTogether, type ItemSnapshot } from './item-ops.js';
import type { OwnershipView } from './ownership-view.js';
import type { WorkPaths } from './work-paths.js';
import type { WorkerRoster } from './worker-roster.js';

/** What a {@link RebalanceLoop} works with. */
export interface RebalanceContext {
  client: ZooKeeperClient;
  paths: WorkPaths;
  workerId: string;
  nonce: string;
  held: HeldItems;
  view: OwnershipView;
  roster: WorkerRoster;
  /** Claims sent at once. */
  maxClaims: number;
  /** How long the membership must be stable before a pass acts. */
  settleMs: number;
  /** True once the worker started. */
  isStarted(): boolean;
  /** True once the worker is closing. */
  isClosing(): boolean;
}

/**
 * Runs reconcile passes on demand, one at a time (one per worker).
 *
 * @example
 * ```ts
 * const loop = new RebalanceLoop(ctx);
 * loop.resume(); // connected: act on the next kick (and now)
 * loop.kick();   // something changed
 * ```
 */
export class RebalanceLoop {
  readonly #ctx: RebalanceContext;
  /** Passes may act (connected, not closing). */
  #active = false;
  #dirty = false;
  /** A claim failed for a reason other than losing the race. */
  #failed = false;
  #loop: Promise<void> | undefined;

  constructor(ctx: RebalanceContext) {
    this.#ctx = ctx;
  }

  /** True while passes may act. */
  get active(): boolean {
    return this.#active;
  }

  /** Passes may act again (connected); starts one. */
  resume(): void {
    this.#active = true;
    this.kick();
  }

  /** No pass acts until {@link RebalanceLoop.resume} (suspended, lost, closing). */
  suspend(): void {
    this.#active = false;
  }

  /** Resolves once the pass in flight, if any, is over. Never rejects. */
  idle(): Promise<void> {
    return this.#loop?.catch(() => undefined) ?? Promise.resolve();
  }

  /** Something changed: run a pass now, or once more after the current one. */
  kick(): void {
    const ctx = this.#ctx;
    this.#dirty = true;
    if (!this.#loop && ctx.isStarted() && !ctx.isClosing()) {
      this.#loop = this.#run().finally(() => {
        this.#loop = undefined;
        // A kick that arrived after the loop's last check but before this point would be lost.
        if (this.#dirty && this.#active && !ctx.isClosing()) this.kick();
      });
    }
  }

  async #run(): Promise<void> {
    const { client, view, roster, settleMs } = this.#ctx;
    let failures = 0;
    while (this.#dirty && !this.#ctx.isClosing()) {
      this.#dirty = false;
      // Not before the group view shows us: planning alone would grab every item.
      if (!this.#active || !roster.known || client.state === 'closed') return;
      for (;;) {
        // Membership must have been stable for settleMs (each change restarts the wait).
        const settle = roster.settleRemainingMs(settleMs);
        if (settle <= 0 || this.#ctx.isClosing()) break;
        await sleep(settle);
      }
      if (view.stale) {
        await view.resync();
        if (view.stale) {
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
    const { client, workerId, nonce, held, view, roster, maxClaims } = this.#ctx;
    const session = client.sessionId;
    const owners = new Map<string, string>();
    const visible = new Set<string>();
    for (const [item, o] of view.owners) {
      visible.add(ownerKey(item, o.czxid));
      if (held.isReleasing(item) || held.isDead(item, o.czxid)) continue;
      // Someone else's node: ours is gone (safety net; normally seen as a deleted event).
      if (held.has(item) && o.nonce !== nonce) held.drop(item, 'node-deleted');
      if (o.nonce === nonce && o.sessionId !== session) {
        // Our node from an earlier session, which we stopped using: it goes when the server
        // expires that session. Nobody can claim the item before (the node exists).
        continue;
      }
      if (o.nonce === nonce && !held.has(item)) held.adopt(item, o.czxid);
      owners.set(item, o.worker);
    }
    held.pruneDead(visible);
    for (const item of held.items()) owners.set(item, workerId);
    const workers = new Map(roster.workers);
    const plan = planAssignment({ workers, items: [...view.items], owners });
    const releases = held.items().filter((item) => plan.get(item) !== workerId);
    for (const item of releases) held.pause(item, 'moved');
    if (releases.length > 0) held.emit();
    await Promise.all(releases.map((item) => held.release(item)));
    for (const h of held.values()) {
      if (h.controller || !this.#active) continue;
      if (!h.verified) await held.refreshFence(h);
      if (h.verified && held.get(h.item) === h) held.activate(h);
      else if (held.get(h.item) === h) this.#failed = true; // could not tell: retry
    }
    // Claim only items whose owner node the view has seen go (a record we know to be dead
    // waits for the view: its delete event is on the way).
    const claims = [...plan]
      .filter(
        ([item, w]) => w === workerId && !held.has(item) && !held.isReleasing(item) && !view.owners.has(item),
      )
      .map(([item]) => item);
    for (let i = 0; i < claims.length && this.#active; i += maxClaims) {
      const batch = claims.slice(i, i + maxClaims);
      const together = await this.#claimTogether(batch);
      await Promise.all(batch.filter((item) => !together.has(item)).map((item) => this.#claim(item)));
    }
    held.emit();
  }

  /**
   * Claims in one transaction the items of `batch` whose data the view knows (two or more);
   * resolves with those it claimed, none when the transaction failed (they are then claimed one
   * by one, like the rest).
   */
  async #claimTogether(batch: readonly string[]): Promise<ReadonlySet<string>> {
    const ctx = this.#ctx;
    const known = batch.flatMap((item) => {
      const snapshot: ItemSnapshot | undefined = ctx.view.knownItem(item);
      return snapshot ? [{ item, known: snapshot }] : [];
    });
    if (known.length < 2 || !this.#active || ctx.isClosing()) return new Set();
    const claimed = await claimItemsTogether(ctx.client, ctx.paths, known, ctx.workerId, ctx.nonce);
    if (!claimed) return new Set();
    for (const [item, r] of claimed) this.#took(item, r);
    return new Set(claimed.keys());
  }

  /** Records a successful claim: the view's snapshot, the held item, its signal. */
  #took(item: string, r: Claimed): void {
    const ctx = this.#ctx;
    ctx.view.rememberItem(item, r.item, r.czxid);
    const h = ctx.held.hold(item, r.epoch, r.czxid);
    if (this.#active && !ctx.isClosing()) ctx.held.activate(h);
  }

  async #claim(item: string): Promise<void> {
    const ctx = this.#ctx;
    if (!this.#active || ctx.isClosing()) return;
    const r = await claimItem(ctx.client, ctx.paths, item, ctx.workerId, ctx.nonce, ctx.view.knownItem(item));
    if (r.kind === 'claimed') this.#took(item, r);
    else if (r.kind === 'taken') void ctx.view.refreshOwner(item);
    else if (r.kind === 'changed') this.kick();
    else if (r.kind === 'failed') this.#failed = true;
  }
}
