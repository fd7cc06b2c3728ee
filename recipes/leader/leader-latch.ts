// Leader election as a passive flag (Curator's LeaderLatch): every participant queues an
// ephemeral-sequential `latch-` node; the first in line leads after checking that the node is
// owned by its current session.
import { randomUUID } from 'node:crypto';
import {
  BehaviorSubject,
  distinctUntilChanged,
  filter,
  firstValueFrom,
  type Observable,
  type Subscription,
} from 'rxjs';
import { NoNodeError, type SessionState, type ZooKeeperClient } from '../../src/index.js';
import { SessionLostError } from '../internal/errors.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { childPath } from '../internal/path-segment.js';
import { type ProtectedNode, protectedCreate } from '../internal/protected-create.js';
import { type SequentialNode, sortSequential } from '../internal/sequence.js';
import { retryTransient } from '../internal/retry-transient.js';
import { retryDelayMs, waitForDelete } from '../internal/wait-for-delete.js';
import { abortable, combineSignal, sleep, type WaitOptions } from '../internal/wait-signal.js';
import { LatchClosedError } from './errors.js';
import { holdLeadership } from './hold-leadership.js';
import { LATCH_NAME, type LatchParticipant, listParticipants } from './latch-participants.js';
import { type LatchStep, TakeoverDelay } from './takeover-delay.js';

/** Options of a {@link LeaderLatch}. */
export interface LeaderLatchOptions {
  /** Participant id stored in our node (what `leader()` reports). Default: a random UUID. */
  id?: string;
  /**
   * Delayed takeover (default 0 = off): when the last leader's node vanishes because its
   * session ended, the next in line waits this long and checks again before taking over; a
   * last leader that comes back in time (a new session) takes its leadership back. Every
   * participant of a latch path must use the same setting.
   */
  takeoverDelayMs?: number;
}

/** What `close()` tells subscribers when the latch was the leader. */
export type CloseMode = 'silent' | 'notify-leader';

/** Identifies one term of leadership; compare tokens to fence out a stale leader's writes. */
export interface LeaderFencingToken {
  /** Our latch node. */
  readonly path: string;
  /** The node's sequence number (grows with every new participant node). */
  readonly sequence: number;
  /** The zxid that created the node (unique and increasing across the ensemble). */
  readonly czxid: bigint;
}

const CONNECTED: ReadonlySet<SessionState> = new Set(['connected', 'reconnected']);

/**
 * Leader election where each participant learns whether it leads (Curator's `LeaderLatch`;
 * nodes `<path>/_c_<uuid>-latch-<seq>`, data = participant id, interoperable with Curator).
 *
 * The first node in sequence order leads, and only after a `getData` shows that the node is
 * owned by the client's **current** session (a node left by an expired session can no longer
 * make anyone leader: the double-leader bug of Curator's CURATOR-696). Others watch only
 * their predecessor (`getData` watch: no herd, no leftover watch). `isLeader$` replays the
 * current value; `waitForLeadership()` waits for `true`. A {@link LeaderFencingToken} (our node's
 * sequence and czxid) identifies each term.
 *
 * **Connection loss.** On `suspended` (and any state other than `connected`/`reconnected`,
 * e.g. `read-only`) leadership is dropped at once (`isLeader$` emits `false`); on `reconnected`
 * with the same session the latch checks again and leads again if its node is still first. On
 * `lost` the node is gone; after the client's new session (`reconnected`, new `sessionId`) the
 * latch creates a new node at the end of the line. So two participants never both believe they
 * lead, as long as the client notices a dead connection (read timeout, about 2/3 of the session
 * timeout) before the server expires the session.
 *
 * **Takeover delay** (`takeoverDelayMs`, Canal-style): the leader records its id and node name
 * in the latch node's data (a compare-and-set on its version, which every claim must win, so
 * two claims can never both succeed; the node name keeps two participants that share an id
 * apart). When that leader's node disappears without a clean `close()` (its session ended), the
 * next in line waits `takeoverDelayMs` and checks again; if the old leader rejoined meanwhile
 * (same id, new session), it leads again even though its new node is last in line. `close()`
 * clears the record, so a clean hand-over is immediate. Safety does not depend on the delay:
 * it only decides who may try the compare-and-set, and only after the recorded node is gone.
 *
 * @example
 * ```ts
 * await using latch = new LeaderLatch(client, '/services/scheduler/leader', { id: 'node-1' });
 * await latch.start();
 * latch.isLeader$.subscribe((leading) => console.log(leading ? 'leading' : 'following'));
 * await latch.waitForLeadership({ timeoutMs: 30_000 });
 * console.log('token', latch.fencingToken);
 * ```
 */
export class LeaderLatch implements AsyncDisposable {
  /** Our participant id. */
  readonly id: string;
  /** Current leadership; replays the latest value to each subscriber; completes on close. */
  readonly isLeader$: Observable<boolean>;
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #leader = new BehaviorSubject<boolean>(false);
  readonly #stop = new AbortController();
  #state: 'latent' | 'started' | 'closed' = 'latent';
  #node: ProtectedNode | undefined;
  #token: LeaderFencingToken | undefined;
  readonly #takeover: TakeoverDelay | undefined;
  #loop: Promise<void> | undefined;
  #completed = false;

  constructor(client: ZooKeeperClient, path: string, options: LeaderLatchOptions = {}) {
    const delay = options.takeoverDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0)
      throw new RangeError(`takeoverDelayMs must be >= 0, got ${delay}`);
    this.#client = client;
    this.#path = path;
    this.id = options.id ?? randomUUID();
    this.#takeover = delay > 0 ? new TakeoverDelay(client, path, this.id, delay) : undefined;
    this.isLeader$ = this.#leader.pipe(distinctUntilChanged());
  }

  /** Whether we lead right now. */
  get isLeader(): boolean {
    return this.#state === 'started' && this.#leader.value;
  }

  /** The token of the current term while we lead, else `undefined`. */
  get fencingToken(): LeaderFencingToken | undefined {
    return this.isLeader ? this.#token : undefined;
  }

  /** `latent`, `started` or `closed`. */
  get state(): 'latent' | 'started' | 'closed' {
    return this.#state;
  }

  /**
   * Joins the election. Resolves once our node exists (so start order is queue order);
   * leadership follows asynchronously. Calling it twice is an error. If `signal` aborts or
   * `timeoutMs` passes first (e.g. no connection), the latch is closed and the call rejects.
   *
   * @example
   * ```ts
   * await latch.start();
   * ```
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (this.#state !== 'latent') throw new LatchClosedError(`leader latch already ${this.#state}`);
    const signal = combineSignal(opts);
    this.#state = 'started';
    let created: () => void = () => {};
    const firstNode = new Promise<void>((resolve) => {
      created = resolve;
    });
    this.#loop = this.#run(created);
    try {
      await abortable(firstNode, signal ? AbortSignal.any([signal, this.#stop.signal]) : this.#stop.signal);
    } catch (err) {
      // Not in the election after all: leave it cleanly (a node created meanwhile is deleted).
      await this.close({ mode: 'silent' });
      throw err;
    }
  }

  /**
   * Resolves once we lead (at once if we do). Rejects with `signal.reason` on abort, a
   * `TimeoutError` after `timeoutMs`, or {@link LatchClosedError} if the latch closes.
   *
   * @example
   * ```ts
   * await latch.waitForLeadership({ signal });
   * ```
   */
  async waitForLeadership(opts: WaitOptions = {}): Promise<void> {
    if (this.#state === 'closed') throw new LatchClosedError();
    const signal = combineSignal(opts);
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      let subscription: Subscription | undefined;
      const finish = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        subscription?.unsubscribe();
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = (): void => finish(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      subscription = this.#leader.subscribe({
        next: (leading) => {
          if (leading) finish();
        },
        complete: () => finish(new LatchClosedError()),
      });
      if (settled) subscription.unsubscribe();
    });
  }

  /**
   * The id of the current leader, or `undefined` when nobody leads.
   *
   * @example
   * ```ts
   * console.log('leader is', await latch.leader());
   * ```
   */
  async leader(opts: WaitOptions = {}): Promise<string | undefined> {
    return (await this.participants(opts)).find((p) => p.isLeader)?.id;
  }

  /**
   * Every participant in queue order, with the leader marked.
   *
   * @example
   * ```ts
   * for (const p of await latch.participants()) console.log(p.id, p.isLeader);
   * ```
   */
  async participants(opts: WaitOptions = {}): Promise<LatchParticipant[]> {
    return listParticipants(this.#client, this.#path, this.#takeover !== undefined, combineSignal(opts));
  }

  /**
   * Leaves the election and deletes our node (guaranteed), handing leadership to the next in
   * line. `notify-leader` (default) emits `false` on `isLeader$` if we led; `silent` completes
   * the stream without it (Curator's `CloseMode`). Idempotent.
   *
   * @example
   * ```ts
   * await latch.close({ mode: 'silent' });
   * ```
   */
  async close(opts: { mode?: CloseMode } = {}): Promise<void> {
    if (this.#state === 'closed') return;
    const wasStarted = this.#state === 'started';
    this.#state = 'closed';
    if (opts.mode !== 'silent') this.#setLeader(false);
    this.#completed = true;
    this.#leader.complete();
    // We no longer believe we lead (above); now delete our node before anything else (the
    // hand-over starts with this request, not after the loop's teardown), then stop the loop.
    const node = wasStarted ? this.#node : undefined;
    this.#node = undefined;
    const deletions: Promise<unknown>[] = [];
    if (node && !this.#takeover) deletions.push(this.#deleteNode(node));
    this.#stop.abort(new LatchClosedError());
    if (!wasStarted) return;
    if (node && this.#takeover) {
      // Clean hand-over: clear our record so the successor does not wait the takeover delay.
      await this.#takeover.release(node);
      deletions.push(this.#deleteNode(node));
    }
    await this.#loop?.catch(() => {});
    const late = this.#node; // created by the loop while we were closing
    this.#node = undefined;
    if (late && late !== node) deletions.push(this.#deleteNode(late));
    await Promise.all(deletions);
  }

  #deleteNode(node: ProtectedNode): Promise<unknown> {
    return guaranteedDelete(this.#client, node.path, { ephemeralOwner: node.stat.ephemeralOwner }).catch(
      () => {},
    );
  }

  /** Same as `close({ mode: 'notify-leader' })`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #setLeader(leading: boolean): void {
    if (this.#completed || this.#leader.value === leading) return;
    this.#leader.next(leading);
  }

  async #run(created: () => void): Promise<void> {
    const stop = this.#stop.signal;
    for (let attempt = 0; !stop.aborted; ) {
      try {
        await this.#untilConnected();
        const node = await this.#ensureNode();
        created();
        const step = await this.#check(node);
        attempt = 0;
        if (step.type === 'leader') await this.#lead(step.node);
        else if (step.type === 'wait')
          await waitForDelete(this.#client, step.path, {
            signal: stop,
            ownerSessionId: node.stat.ephemeralOwner,
          });
        else if (step.type === 'delay') await this.#takeover?.waitOut(step.ms, stop);
        else if (step.type === 'recreate') this.#dropNode();
      } catch (err) {
        this.#setLeader(false);
        if (stop.aborted) break;
        if (err instanceof SessionLostError) {
          this.#dropNode();
          continue;
        }
        attempt++;
        await sleep(retryDelayMs(attempt), stop).catch(() => {});
      }
    }
  }

  /** Resolves when the client is connected; stops the latch when the client is closed. */
  async #untilConnected(): Promise<void> {
    let state = this.#client.state;
    if (CONNECTED.has(state)) return;
    if (state !== 'closed') {
      state = await abortable(
        firstValueFrom(this.#client.state$.pipe(filter((s) => CONNECTED.has(s) || s === 'closed'))),
        this.#stop.signal,
      );
    }
    if (state === 'closed') {
      // The client is gone for good: so is our node; the latch stops (never leads again).
      this.#setLeader(false);
      this.#stop.abort(new LatchClosedError('client closed'));
      throw this.#stop.signal.reason;
    }
  }

  async #ensureNode(): Promise<ProtectedNode> {
    const current = this.#node;
    if (current && current.stat.ephemeralOwner === this.#client.sessionId) return current;
    this.#dropNode();
    const node = await protectedCreate(this.#client, this.#path, LATCH_NAME, {
      mode: 'ephemeral-sequential',
      data: this.id,
      signal: this.#stop.signal,
    });
    this.#node = node;
    return node;
  }

  #dropNode(): void {
    const node = this.#node;
    this.#node = undefined;
    this.#token = undefined;
    if (node) void guaranteedDelete(this.#client, node.path, { ephemeralOwner: node.stat.ephemeralOwner });
  }

  async #check(node: ProtectedNode): Promise<LatchStep> {
    const signal = this.#stop.signal;
    let children: string[];
    try {
      children = await retryTransient(() => this.#client.getChildren(this.#path, { signal }), signal);
    } catch (err) {
      if (err instanceof NoNodeError) return { type: 'recreate' };
      throw err;
    }
    const contenders = sortSequential(children, (n) => n.base === LATCH_NAME);
    const ourIndex = contenders.findIndex((n) => n.name === node.name);
    if (ourIndex < 0) return { type: 'recreate' };
    if (this.#takeover) {
      return this.#takeover.decide(node, contenders, ourIndex, () => this.#verifyOwnership(node), signal);
    }
    if (ourIndex > 0)
      return { type: 'wait', path: childPath(this.#path, (contenders[ourIndex - 1] as SequentialNode).name) };
    // First in line. The listing shows our node, and its name carries our uuid, so nobody else
    // made it; we lead on it only if it belongs to the session we are in now and we are
    // connected (a node left by an expired session must never make us leader).
    const owned = node.stat.ephemeralOwner === this.#client.sessionId && CONNECTED.has(this.#client.state);
    return owned ? { type: 'leader', node } : { type: 'recreate' };
  }

  /** Our node exists, is owned by the current session, and the client is connected. */
  async #verifyOwnership(node: ProtectedNode): Promise<boolean> {
    try {
      const { stat } = await this.#client.getData(node.path, { signal: this.#stop.signal });
      return stat.ephemeralOwner === this.#client.sessionId && CONNECTED.has(this.#client.state);
    } catch (err) {
      if (err instanceof NoNodeError) return false;
      throw err;
    }
  }

  /** Leads until the connection, our node or the latch says otherwise. */
  async #lead(node: ProtectedNode): Promise<void> {
    // Re-check right before claiming: the state may have changed since the ownership check.
    if (this.#stop.signal.aborted || !CONNECTED.has(this.#client.state)) return;
    if (this.#client.sessionId !== node.stat.ephemeralOwner) return;
    this.#token = { path: node.path, sequence: sequenceOf(node.name), czxid: node.stat.czxid };
    this.#setLeader(true);
    try {
      await holdLeadership(this.#client, node.path, this.#stop.signal, () => this.#setLeader(false));
    } finally {
      this.#setLeader(false);
    }
  }
}

function sequenceOf(name: string): number {
  const match = /(\d{10})$/.exec(name);
  return match?.[1] ? Number.parseInt(match[1], 10) : -1;
}
