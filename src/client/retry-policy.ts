/**
 * Retry policies: how long to wait before attempt `n`, or `null` to give up. The session engine
 * uses one for reconnect backoff; recipes and callers may use the same objects for operations.
 *
 * @module
 */
import { InvalidArgumentError } from './errors.js';

/**
 * Decides the delay before each retry.
 *
 * @example
 * ```ts
 * const twiceThenStop: RetryPolicy = { delayMs: (n) => (n <= 2 ? 100 : null) };
 * ```
 */
export interface RetryPolicy {
  /**
   * @param attempt 1-based number of the retry about to happen
   * @param elapsedMs time since the first failure of this series
   * @returns milliseconds to wait before that retry, or `null` to stop retrying
   */
  delayMs(attempt: number, elapsedMs: number): number | null;
}

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Delay before the first retry; doubles on each later one. Default 100. */
  baseMs?: number;
  /** Upper bound of one delay. Default 10_000. */
  maxMs?: number;
  /** Retries before giving up; `Infinity` never gives up. Default `Infinity`. */
  maxAttempts?: number;
  /** Randomise each delay within [d/2, d] so that clients do not retry in lockstep. Default true. */
  jitter?: boolean;
}

function checkNonNegative(name: string, v: number, allowInfinity = false): void {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!allowInfinity && !Number.isFinite(v))) {
    throw new InvalidArgumentError(`${name} must be a non-negative number, got ${String(v)}`);
  }
}

/**
 * Exponential backoff: `min(maxMs, baseMs * 2^(attempt-1))`, optionally jittered, for at most
 * `maxAttempts` retries.
 *
 * @example
 * ```ts
 * const policy = exponentialBackoff({ baseMs: 50, maxMs: 2_000, maxAttempts: 10 });
 * policy.delayMs(3, 0); // between 100 and 200
 * ```
 */
export function exponentialBackoff(opts: ExponentialBackoffOptions = {}): RetryPolicy {
  const baseMs = opts.baseMs ?? 100;
  const maxMs = opts.maxMs ?? 10_000;
  const maxAttempts = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
  const jitter = opts.jitter ?? true;
  checkNonNegative('baseMs', baseMs);
  checkNonNegative('maxMs', maxMs);
  checkNonNegative('maxAttempts', maxAttempts, true);
  if (maxMs < baseMs) throw new InvalidArgumentError(`maxMs (${maxMs}) must be >= baseMs (${baseMs})`);
  return {
    delayMs(attempt: number): number | null {
      if (attempt > maxAttempts) return null;
      const exp = Math.min(Math.max(attempt - 1, 0), 52);
      const d = Math.min(maxMs, baseMs * 2 ** exp);
      return jitter ? Math.round(d / 2 + (Math.random() * d) / 2) : d;
    },
  };
}

/**
 * Retries forever with a constant delay.
 *
 * @example
 * ```ts
 * const policy = retryForever({ delayMs: 500 });
 * ```
 */
export function retryForever(opts: { delayMs?: number } = {}): RetryPolicy {
  const delay = opts.delayMs ?? 1_000;
  checkNonNegative('delayMs', delay);
  return { delayMs: () => delay };
}

/**
 * The reconnect policy the engine uses when none is given: exponential from 100 ms up to 5 s,
 * jittered, forever.
 *
 * @example
 * ```ts
 * createClient(hosts, { retryPolicy: DEFAULT_RECONNECT_POLICY });
 * ```
 */
export const DEFAULT_RECONNECT_POLICY: RetryPolicy = exponentialBackoff({ baseMs: 100, maxMs: 5_000 });
