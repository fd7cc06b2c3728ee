/**
 * The handle of a held lock or lease: release, disposal, fencing token, loss and revocation.
 * @module
 */
import {
  BehaviorSubject,
  distinctUntilChanged,
  map,
  merge,
  type Observable,
  shareReplay,
  takeWhile,
} from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import type { SessionLostError } from '../internal/errors.js';
import { releaseLockNode } from '../internal/lock-internals.js';
import type { ProtectedNode } from '../internal/protected-create.js';
import { parseSequentialName } from '../internal/sequence.js';
import { SessionGuard } from '../internal/session-guard.js';
import { abortable, combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import { revocationRequests$ } from './revocation.js';

/**
 * A fencing token: pass it to the resource the lock protects, which rejects writes carrying a
 * token older than the newest it has seen. `czxid` (the zxid of the lock node's creation) grows
 * strictly across every holder of every lock in the ensemble; `sequence` grows strictly within
 * one lock path as long as its (container) parent is not re-created.
 */
export interface FencingToken {
  /** The lock node's sequence number. */
  readonly sequence: number;
  /** The zxid that created the lock node (compare as bigint). */
  readonly czxid: bigint;
}

/**
 * What a holder may assume: `held` (connected, same session), `uncertain` (connection lost:
 * the session, and so the lock, may or may not still exist; pause protected work), `lost`
 * (session gone: someone else may hold it), `released`.
 */
export type LockStatus = 'held' | 'uncertain' | 'lost' | 'released';

interface HoldState {
  holds: number;
  readonly guard: SessionGuard;
  release?: Promise<void>;
  revocation$?: Observable<void>;
}

/**
 * A held lock (or semaphore lease). Release it exactly once, or let `await using` do it.
 *
 * Not re-entrant by accident: a second `acquire()` on the same `Mutex` queues behind this handle
 * (in JS, "the same thread" does not exist across awaits). Re-entrancy is explicit: `reenter()`
 * returns a nested handle on the same node; the node is deleted when every handle is released.
 *
 * **Connection loss.** On `suspended` the handle stays held (the session, and so the node, may
 * still be alive; the lock is Curator-safe only once the session is confirmed) unless the lock was
 * created with `suspendedIsLost: true`, in which case `lost` fires at once. On `lost` (session
 * expired) or client close, `lost` aborts with a `SessionLostError` and `lost$` emits: another
 * contender may already hold the lock, so stop the protected work. `release()` after loss resolves
 * (there is nothing left to delete).
 *
 * @example
 * ```ts
 * await using lock = await mutex.acquire({ timeoutMs: 5_000 });
 * await writeWithToken(lock.fencingToken, { signal: lock.lost });
 * ```
 */
export class LockHandle implements AsyncDisposable {
  /** Full path of the lock node (pass it to `revokeLock` from another process). */
  readonly path: string;
  /** The lock node's name. */
  readonly nodeName: string;
  /** The session that holds the lock. */
  readonly sessionId: bigint;
  /** Sequence and czxid of the lock node. */
  readonly fencingToken: FencingToken;
  /** Aborts with a `SessionLostError` when the holding session is lost. */
  readonly lost: AbortSignal;
  /** Emits the `SessionLostError` once when the holding session is lost (replays when late). */
  readonly lost$: Observable<SessionLostError>;
  readonly #client: ZooKeeperClient;
  readonly #node: ProtectedNode;
  readonly #state: HoldState;
  readonly #releasedNow = new BehaviorSubject(false);
  #status$: Observable<LockStatus> | undefined;
  #released = false;

  /** @internal Built by the lock recipes. */
  constructor(
    client: ZooKeeperClient,
    node: ProtectedNode,
    options: { suspendedIsLost?: boolean } = {},
    shared?: HoldState,
  ) {
    this.#client = client;
    this.#node = node;
    this.#state = shared ?? { holds: 1, guard: new SessionGuard(client, node.stat.ephemeralOwner, options) };
    this.path = node.path;
    this.nodeName = node.name;
    this.sessionId = node.stat.ephemeralOwner;
    this.fencingToken = { sequence: parseSequentialName(node.name)?.sequence ?? -1, czxid: node.stat.czxid };
    this.lost = this.#state.guard.lost;
    this.lost$ = this.#state.guard.lost$;
  }

  /** True once this handle has been released. */
  get released(): boolean {
    return this.#released;
  }

  /** True while this handle is not released and its session is not known to be lost. */
  get isHeld(): boolean {
    return !this.#released && !this.lost.aborted;
  }

  /**
   * The holder's view right now: `held`, `uncertain` (the client is disconnected; the lock may
   * already be gone), `lost` or `released`.
   *
   * @example
   * ```ts
   * if (lock.status !== 'held') await pauseWrites();
   * ```
   */
  get status(): LockStatus {
    if (this.#released) return 'released';
    if (this.lost.aborted) return 'lost';
    const s = this.#client.state;
    return s === 'connected' || s === 'reconnected' ? 'held' : 'uncertain';
  }

  /**
   * {@link status} as a stream: replays the current value, emits on every change, completes after
   * `lost` or `released`.
   *
   * @example
   * ```ts
   * lock.status$.subscribe((s) => (s === 'held' ? resumeWrites() : pauseWrites()));
   * ```
   */
  get status$(): Observable<LockStatus> {
    this.#status$ ??= merge(this.#client.state$, this.#releasedNow, this.lost$).pipe(
      map(() => this.status),
      distinctUntilChanged(),
      takeWhile((s) => s === 'held' || s === 'uncertain', true),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    return this.#status$;
  }

  /**
   * Emits when someone asked for this lock to be revoked (`revokeLock(client, handle.path)`).
   * Subscribing watches our node; it is shared by all subscribers and replays the last request.
   *
   * @example
   * ```ts
   * lock.revocationRequested$.subscribe(() => void lock.release());
   * ```
   */
  get revocationRequested$(): Observable<void> {
    this.#state.revocation$ ??= revocationRequests$(this.#client, this.path);
    return this.#state.revocation$;
  }

  /**
   * A nested hold on the same lock node (explicit re-entrancy). The node is deleted only when the
   * outer and every nested handle have been released.
   *
   * @example
   * ```ts
   * await using inner = outer.reenter();
   * ```
   */
  reenter(): LockHandle {
    if (this.#released) throw new TypeError('cannot re-enter a released lock handle');
    this.#state.holds++;
    return new LockHandle(this.#client, this.#node, {}, this.#state);
  }

  /**
   * Releases this hold; the last hold deletes the lock node (a guaranteed delete: it keeps
   * retrying through connection loss while the session lives). Idempotent. `signal`/`timeoutMs`
   * only bound how long the caller waits, never the delete itself.
   *
   * @example
   * ```ts
   * await lock.release();
   * ```
   */
  async release(opts: WaitOptions = {}): Promise<void> {
    const signal = combineSignal(opts);
    if (!this.#released) {
      this.#released = true;
      this.#releasedNow.next(true);
      this.#releasedNow.complete();
      this.#state.holds--;
      if (this.#state.holds > 0) return;
      this.#state.guard.dispose();
      this.#state.release = releaseLockNode(this.#client, this.#node).then(() => {});
    }
    if (this.#state.release && this.#state.holds === 0) await abortable(this.#state.release, signal);
  }

  /** Same as `release()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}
