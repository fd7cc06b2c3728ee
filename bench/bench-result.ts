/** One row of the benchmark report: our figure, the baseline's, and which way is better. */
export interface BenchResult {
  /** What was measured, e.g. `setData latency p50 (2000 sequential)`. */
  name: string;
  /** Unit of `ours` and `baseline`, e.g. `ms`, `ops/s`, `µs CPU/op`. */
  unit: string;
  ours: number;
  baseline: number;
  betterIs: 'higher' | 'lower';
  /** Optional target, e.g. `>= 1.5x`, printed beside the ratio. */
  target?: string;
}

/** What every benchmark module receives from `bench/run.ts`. */
export interface BenchContext {
  /** Connect string of the benchmark ensemble (3 nodes, no proxy). */
  connectString: string;
  /** One server of that ensemble, for benchmarks that pin both clients to the same server. */
  singleServer: string;
}

/** A benchmark module: `bench/<name>.ts` exports `run`. */
export type BenchModule = { run(ctx: BenchContext): Promise<BenchResult[]> };

/** Ratio in the "better" direction: above 1 means we beat the baseline. */
export function advantage(r: BenchResult): number {
  if (r.ours === 0 || r.baseline === 0) return Number.NaN;
  return r.betterIs === 'higher' ? r.ours / r.baseline : r.baseline / r.ours;
}
