/**
 * The items a `WorkAssignment` worker holds (its owner node is ours), and the life of each:
 * held, then verified (the owner node was seen to be ours since the last pause), active (a live
 * AbortSignal; listed in `assignments$`), paused (signal aborted: stop working on it, the owner
 * node stays), then resumed, dropped (not ours any more) or released (we delete the owner node).
 *
 * @module
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import { SessionLostError } from '../internal/errors.js';
import { readOwnFence, releaseOwnerNode } from './item-ops.js';
import { NotItemOwnerError } from './not-item-owner-error.js';
import type { OwnedItem } from './owned-item.js';
import type { WorkPaths } from './work-paths.js';

/**
 * Identifies one incarnation of an item's owner node.
 *
 * @example
 * ```ts
 * ownerKey('host-1', 0x100000012n); // 'host-1@4294967314'
 * ```
 */
export function ownerKey(item: string, czxid: bigint): string {
  return `${item}@${czxid}`;
}

/** One held item. */
export interface HeldItem {
  readonly item: string;
  /** The epoch of our claim; -1 for an item found ours without knowing it (see `fence`). */
  readonly epoch: number;
  /** The item's version while we own it: what fenced progress writes check. */
  fence: number;
  /** Our owner node's czxid, when known (a claim of ours, or an adopted node's record). */
  czxid: bigint | undefined;
  /** The owner node was seen to be ours since the last pause. */
  verified: boolean;
  controller: AbortController | null;
  view: OwnedItem | null;
}

/** Why a held item stops: moved to another worker, or one of SessionLostError's reasons. */
export type PauseReason = SessionLostError['reason'] | 'moved';

/** What {@link HeldItems} works with. */
export interface HeldItemsDeps {
  client: ZooKeeperClient;
  paths: WorkPaths;
  workerId: string;
  /** Random per worker object: tells our owner nodes from a namesake's. */
  nonce: string;
  /** A release finished: the rebalance loop should look again. */
  kick(): void;
}

/**
 * The held items, their signals and the `assignments$` list (one per worker).
 *
 * @example
 * ```ts
 * const held = new HeldItems({ client, paths, workerId, nonce, kick });
 * held.activate(held.hold('host-1', epoch));
 * held.emit(); // assignments$ lists host-1
 * ```
 */
export class HeldItems {
  /** The active items, sorted; replays the latest list. */
  readonly assignments$: Observable<readonly OwnedItem[]>;
  /** The session our owner nodes belong to. */
  sessionId = 0n;
  readonly #deps: HeldItemsDeps;
  readonly #held = new Map<string, HeldItem>();
  readonly #releasing = new Set<string>();
  /** czxids of owner nodes of ours that we deleted: stale view records of them are ignored. */
  /** `item@czxid` of owner nodes of ours that we deleted (one claim may create several at one zxid). */
  readonly #dead = new Set<string>();
  readonly #subject = new BehaviorSubject<readonly OwnedItem[]>([]);

  constructor(deps: HeldItemsDeps) {
    this.#deps = deps;
    this.assignments$ = this.#subject.asObservable();
  }

  /** The active items as last emitted. */
  get assignments(): readonly OwnedItem[] {
    return this.#subject.value;
  }

  /** The held item `item`, if held. */
  get(item: string): HeldItem | undefined {
    return this.#held.get(item);
  }

  /** True while `item` is held. */
  has(item: string): boolean {
    return this.#held.has(item);
  }

  /** The held items' names, in holding order (a copy). */
  items(): string[] {
    return [...this.#held.keys()];
  }

  /** The held items (a copy). */
  values(): HeldItem[] {
    return [...this.#held.values()];
  }

  /** True while our owner node of `item` is being deleted. */
  isReleasing(item: string): boolean {
    return this.#releasing.has(item);
  }

  /** True for an owner node of ours that we deleted (a stale view record). */
  isDead(item: string, czxid: bigint): boolean {
    return this.#dead.has(ownerKey(item, czxid));
  }

  /** Forgets deleted owner nodes the view no longer shows (`visible`: {@link ownerKey}s). */
  pruneDead(visible: ReadonlySet<string>): void {
    for (const key of this.#dead) if (!visible.has(key)) this.#dead.delete(key);
  }

  /** Holds an item claimed just now at `epoch` (verified); `czxid` is our owner node's. */
  hold(item: string, epoch: number, czxid: bigint): HeldItem {
    const held: HeldItem = { item, epoch, fence: epoch, czxid, verified: true, controller: null, view: null };
    this.#held.set(item, held);
    return held;
  }

  /** Holds an item whose owner node (`czxid`) turned out to be ours (fence unknown: not verified yet). */
  adopt(item: string, czxid: bigint): void {
    this.#held.set(item, {
      item,
      epoch: -1,
      fence: -1,
      czxid,
      verified: false,
      controller: null,
      view: null,
    });
  }

  /** Gives `held` a new signal and lists it (from the next {@link HeldItems.emit}). */
  activate(held: HeldItem): void {
    const controller = new AbortController();
    held.controller = controller;
    held.view = {
      item: held.item,
      epoch: held.epoch < 0 ? held.fence : held.epoch,
      signal: controller.signal,
    };
  }

  /** Aborts the item's signal: `moved` with a NotItemOwnerError, the rest with a SessionLostError. */
  pause(item: string, reason: PauseReason): void {
    const held = this.#held.get(item);
    if (!held) return;
    held.verified = false;
    if (!held.controller) return;
    held.controller.abort(
      reason === 'moved'
        ? new NotItemOwnerError(item, this.#deps.workerId)
        : new SessionLostError(this.sessionId, reason, `item ${item} is no longer owned (${reason})`),
    );
    held.controller = null;
    held.view = null;
  }

  /** Pauses every held item. */
  pauseAll(reason: PauseReason): void {
    for (const item of this.#held.keys()) this.pause(item, reason);
  }

  /** Pauses `item` and stops holding it (it is not ours any more). */
  drop(item: string, reason: PauseReason): void {
    this.pause(item, reason);
    this.#held.delete(item);
  }

  /** Pauses and stops holding every item. */
  dropAll(reason: PauseReason): void {
    this.pauseAll(reason);
    this.#held.clear();
  }

  /** Stops holding `item` and deletes our owner node of it (kicks the loop when done). */
  async release(item: string): Promise<void> {
    const { client, paths, nonce } = this.#deps;
    const held = this.#held.get(item);
    this.#held.delete(item);
    this.#releasing.add(item);
    try {
      const fenced =
        held?.verified && held.czxid !== undefined ? { fence: held.fence, czxid: held.czxid } : undefined;
      const czxid = await releaseOwnerNode(client, paths, item, nonce, this.sessionId, fenced);
      if (czxid !== undefined) this.#dead.add(ownerKey(item, czxid));
    } finally {
      this.#releasing.delete(item);
      // The deleted event may have been handled while the item was still marked releasing.
      this.#deps.kick();
    }
  }

  /** Re-reads the fence; false (and drops the item when it is not ours) unless still ours. */
  async refreshFence(held: HeldItem): Promise<boolean> {
    const { client, paths, nonce } = this.#deps;
    const fence = await readOwnFence(client, paths, held.item, nonce);
    if (typeof fence === 'number') {
      held.fence = fence;
      held.verified = true;
      return true;
    }
    if (fence === null && this.#held.get(held.item) === held) {
      this.drop(held.item, 'node-deleted');
      this.emit();
    }
    return false;
  }

  /** Publishes the active items on `assignments$` when the list changed. */
  emit(): void {
    if (this.#subject.closed) return;
    const next = [...this.#held.values()]
      .filter((h) => h.view !== null)
      .map((h) => h.view!)
      .sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
    const prev = this.#subject.value;
    if (next.length === prev.length && next.every((v, i) => v === prev[i])) return;
    this.#subject.next(next);
  }

  /** Completes `assignments$` (the worker closed). */
  complete(): void {
    this.#subject.complete();
  }
}
