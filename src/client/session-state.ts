/**
 * Helpers around {@link SessionState} used by the engine: which states carry a usable
 * connection, and a current-value stream that only emits changes.
 *
 * @module
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import type { SessionState } from './types.js';

/**
 * True for the states in which requests are sent at once: `connected`, `reconnected`, `read-only`.
 *
 * @example
 * ```ts
 * if (isConnectedState(client.state)) console.log('online');
 * ```
 */
export function isConnectedState(s: SessionState): boolean {
  return s === 'connected' || s === 'reconnected' || s === 'read-only';
}

/**
 * The current session state plus an Observable that replays it to each subscriber and then
 * emits every change (never the same state twice in a row, never completes).
 *
 * @example
 * ```ts
 * const st = new SessionStateHolder();
 * st.state$.subscribe(console.log); // 'connecting'
 * st.set('connected');              // 'connected'
 * ```
 */
export class SessionStateHolder {
  readonly #subject = new BehaviorSubject<SessionState>('connecting');
  /** Replays the current state, then every change. */
  readonly state$: Observable<SessionState> = this.#subject.asObservable();

  /** The current state. */
  get value(): SessionState {
    return this.#subject.value;
  }

  /**
   * Moves to `next`; returns false (and emits nothing) when already there. Subscriber errors
   * are reported to `onError` and never reach the caller.
   */
  set(next: SessionState, onError?: (err: unknown) => void): boolean {
    if (this.#subject.value === next) return false;
    try {
      this.#subject.next(next);
    } catch (err) {
      onError?.(err);
    }
    return true;
  }
}
