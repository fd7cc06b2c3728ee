/** Percentile (nearest rank) of a list of samples; `p` in [0, 100]. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Milliseconds since an origin, from the monotonic high-resolution clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** CPU microseconds (user + system) used by this process since `start`. */
export function cpuMicros(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

/**
 * Side indices (0 = ours, 1 = baseline) in the order they take turn `turn`: which side goes
 * first alternates, so neither always runs right after the other's work.
 */
export function sidesInTurn(turn: number): readonly [0 | 1, 0 | 1] {
  return turn % 2 === 0 ? [0, 1] : [1, 0];
}
