/**
 * When to try the next connection: at once while some host of the current round has not been
 * tried, then after the retry policy's delay once every host has failed. The failure count is
 * reset only by {@link ReconnectBackoff.reset} (after a connection that stayed up for a while),
 * so connect-then-kicked loops keep backing off.
 *
 * @module
 */
import { MAX_TIMEOUT_MS } from './arguments.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * Failure accounting for reconnects.
 *
 * @example
 * ```ts
 * const backoff = new ReconnectBackoff(exponentialBackoff(), 3);
 * backoff.failed(performance.now()); // 0: try the next host now
 * ```
 */
export class ReconnectBackoff {
  readonly #policy: RetryPolicy;
  readonly #hostCount: number;
  #failures = 0;
  #seriesStart = 0;

  constructor(policy: RetryPolicy, hostCount: number) {
    this.#policy = policy;
    this.#hostCount = Math.max(1, hostCount);
  }

  /** Failed attempts since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** Forgets past failures (the last connection was stable, or a new session starts). */
  reset(): void {
    this.#failures = 0;
  }

  /**
   * Records a failed attempt.
   * @returns ms to wait before the next attempt, or null when the policy gives up
   */
  failed(now: number): number | null {
    if (this.#failures === 0) this.#seriesStart = now;
    this.#failures++;
    if (this.#failures % this.#hostCount !== 0) return 0;
    const delay = this.#policy.delayMs(this.#failures / this.#hostCount, now - this.#seriesStart);
    if (delay === null) return null;
    // a timer longer than Node's longest fires at once (a tight reconnect loop): cap it; a
    // delay that is not a number at all waits the longest too rather than spinning
    return Number.isNaN(delay) ? MAX_TIMEOUT_MS : Math.min(MAX_TIMEOUT_MS, Math.max(0, delay));
  }
}
