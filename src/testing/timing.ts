/**
 * Scales a test duration by the `ZK_TIMING_MULTIPLE` environment variable (default 1), like
 * Curator's `Timing`: on a slow or loaded CI machine set `ZK_TIMING_MULTIPLE=3` and every
 * timeout that goes through this function grows with it, without touching the tests.
 *
 * @param ms - the duration on a normal machine
 * @returns `ms` times the multiple (rounded)
 *
 * @example
 * ```ts
 * import { scaledMs } from 'zk-recipes/testing';
 * await waitUntil(() => latch.hasLeadership, { timeoutMs: scaledMs(5_000) });
 * ```
 */
export function scaledMs(ms: number): number {
  const raw = process.env.ZK_TIMING_MULTIPLE;
  const multiple = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(multiple) || multiple <= 0) {
    throw new RangeError(`ZK_TIMING_MULTIPLE must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return Math.round(ms * multiple);
}
