import { setTimeout as sleep } from 'node:timers/promises';
import { WaitTimeoutError } from './errors.js';
import { scaledMs } from './timing.js';

/**
 * Options of {@link waitUntil}.
 *
 * @example
 * ```ts
 * await waitUntil(() => latch.hasLeadership, { timeoutMs: 5_000, intervalMs: 50, message: 'leadership' });
 * ```
 */
export interface WaitUntilOptions {
  /** Give up after this many ms (scaled by `ZK_TIMING_MULTIPLE`). Default 10 000. */
  timeoutMs?: number;
  /** Pause between probes. Default 25. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  message?: string;
  signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns a truthy value and resolves with that value: the deadline-bound
 * way to wait for a condition that has no event (instead of a fixed sleep). A probe that throws
 * counts as "not yet"; its last error becomes the `cause` of the {@link WaitTimeoutError}.
 *
 * @example
 * ```ts
 * import { waitUntil } from 'zk-recipes/testing';
 * const stat = await waitUntil(() => client.exists('/ready'), { timeoutMs: 5_000, message: '/ready' });
 * await waitUntil(async () => (await ensemble.leader()) !== oldLeader);
 * ```
 */
export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  options: WaitUntilOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = scaledMs(options.timeoutMs ?? 10_000);
  const intervalMs = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = options.message ?? 'condition';
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    const pauseMs = Math.min(intervalMs, Math.max(0, deadline - Date.now()));
    await sleep(pauseMs, undefined, { signal: options.signal }).catch(() => {
      throw options.signal?.reason;
    });
  }
}
