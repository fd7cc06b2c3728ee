/**
 * Observes a client's session on behalf of something that lives in one session (a lock node, a
 * lease, a leader's node) and turns "that session is gone" into an `AbortSignal`.
 *
 * Internal API:
 * - `new SessionGuard(client, ownerSessionId, { suspendedIsLost? })`: starts observing
 *   `client.state$` at once. Its `lost` signal aborts (reason: `SessionLostError`) when
 *   - the state becomes `lost` (session expired: the owner's ephemerals are gone),
 *   - the state becomes `closed` (`close()` was called: the session is closed on the server),
 *   - the client reports a session other than `ownerSessionId` (e.g. a guard created after the
 *     `lost` → `reconnected` pair already happened),
 *   - the state becomes `suspended` and `suspendedIsLost` is set (Curator's "standard" error policy),
 *   - or the recipe calls `guard.markLost(reason)` (e.g. it saw its own node deleted).
 * - `guard.lost$`: the same as an Observable that emits the `SessionLostError` once and completes
 *   (late subscribers get it at once). `guard.state$` mirrors `client.state$` while the guard lives.
 * - `guard.dispose()`: stops observing without aborting (call it on release/close).
 * - `isSessionGone(client, ownerSessionId)`: a one-off check with the same rules.
 * @module
 */
import { Observable, type Subscription } from 'rxjs';
import type { SessionState, ZooKeeperClient } from '../../src/index.js';
import { SessionLostError } from './errors.js';

/** Options of a {@link SessionGuard}. */
export interface SessionGuardOptions {
  /** Treat `suspended` (connection lost, session maybe alive) as lost too. Default false. */
  suspendedIsLost?: boolean;
}

/**
 * True when `ownerSessionId`'s session is known to be gone for `client`.
 *
 * @example
 * ```ts
 * if (isSessionGone(client, node.stat.ephemeralOwner)) restart();
 * ```
 */
export function isSessionGone(client: ZooKeeperClient, ownerSessionId: bigint): boolean {
  const s = client.state;
  if (s === 'lost' || s === 'closed') return true;
  // The client resets sessionId to 0n when a session is lost (and until a new one exists), so a
  // non-zero owner that differs from the current id (0n included) is a session that is gone.
  return ownerSessionId !== 0n && client.sessionId !== ownerSessionId;
}

/**
 * Aborts a signal when the session that owns a recipe's node is gone.
 *
 * @example
 * ```ts
 * const guard = new SessionGuard(client, node.stat.ephemeralOwner);
 * guard.lost.addEventListener('abort', () => console.warn('lock lost', guard.lost.reason));
 * // …on release:
 * guard.dispose();
 * ```
 */
export class SessionGuard {
  /** Aborts (reason: {@link SessionLostError}) when the owning session is gone. */
  readonly lost: AbortSignal;
  /** Emits the {@link SessionLostError} once, then completes; replays to late subscribers. */
  readonly lost$: Observable<SessionLostError>;
  readonly #controller = new AbortController();
  readonly #client: ZooKeeperClient;
  readonly #owner: bigint;
  readonly #suspendedIsLost: boolean;
  #subscription: Subscription | undefined;
  #disposed = false;

  constructor(client: ZooKeeperClient, ownerSessionId: bigint, options: SessionGuardOptions = {}) {
    this.#client = client;
    this.#owner = ownerSessionId;
    this.#suspendedIsLost = options.suspendedIsLost ?? false;
    this.lost = this.#controller.signal;
    const signal = this.lost;
    this.lost$ = new Observable<SessionLostError>((subscriber) => {
      const emit = () => {
        subscriber.next(signal.reason as SessionLostError);
        subscriber.complete();
      };
      if (signal.aborted) {
        emit();
        return undefined;
      }
      signal.addEventListener('abort', emit, { once: true });
      return () => signal.removeEventListener('abort', emit);
    });
    const sub = client.state$.subscribe((state) => this.#onState(state));
    if (this.lost.aborted || this.#disposed) sub.unsubscribe();
    else this.#subscription = sub;
  }

  /** The session this guard watches over. */
  get ownerSessionId(): bigint {
    return this.#owner;
  }

  /**
   * Declares the session (or the node it guards) lost from the recipe's side.
   *
   * @example
   * ```ts
   * guard.markLost('node-deleted');
   * ```
   */
  markLost(reason: SessionLostError['reason'], message?: string): void {
    if (this.lost.aborted) return;
    this.#controller.abort(new SessionLostError(this.#owner, reason, message));
    this.dispose();
  }

  /**
   * Stops observing the client; `lost` stays as it is. Idempotent.
   *
   * @example
   * ```ts
   * guard.dispose();
   * ```
   */
  dispose(): void {
    this.#disposed = true;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
  }

  #onState(state: SessionState): void {
    if (this.#disposed || this.lost.aborted) return;
    if (state === 'lost') this.markLost('expired');
    else if (state === 'closed') this.markLost('closed');
    else if (state === 'suspended' && this.#suspendedIsLost) this.markLost('suspended');
    else if (isSessionGone(this.#client, this.#owner)) this.markLost('expired');
  }
}
