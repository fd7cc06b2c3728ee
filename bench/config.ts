// Config propagation: one writer changes a config node; 20 watching sessions receive every value.
// Latency = time from issuing setData to each watcher's delivery. Ours: ConfigStore's watchData
// stream (one server watch per session); baseline: the hand-written getData+watcher loop on
// node-zookeeper-client (bench/baseline/config-watch.ts). Same ensemble; both sides watch at
// once (their own nodes) and the updates alternate between them.
import { randomUUID } from 'node:crypto';
import { watchData } from '../recipes/cache/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nzcWatchConfig } from './baseline/config-watch.js';
import { closeNzc, connectNzc } from './baseline/nzc.js';
import { nowMs, percentile, sidesInTurn } from './stats.js';

const WATCHERS = 20;
const UPDATES = 150;
const ROUNDS = 5;
const WARMUP_ROUNDS = 2;

interface Side {
  /** Registers a watcher that calls `got(seq)` for each value; resolves once it saw the first. */
  watch(index: number, got: (seq: number) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Watcher `i` of either side talks to server `i mod n`: both sides then have as many watchers
 * on each server (a follower that applies a commit later delays its watchers; with random host
 * choice one side could draw more of them).
 */
function serverFor(connectString: string, i: number): string {
  const hosts = connectString.split(',');
  return hosts[i % hosts.length] as string;
}

/** One side's samples while it is measured. */
class Tracker {
  readonly samples: number[] = [];
  readonly #sentAt = new Map<number, number>();
  #pending = 0;
  #wake: (() => void) | null = null;

  readonly got = (seq: number): void => {
    const t = this.#sentAt.get(seq);
    if (t === undefined) return;
    this.samples.push(nowMs() - t);
    if (--this.#pending === 0) this.#wake?.();
  };

  /** Sends `seq` with `write` and resolves once every watcher saw it. */
  async update(seq: number, write: () => Promise<unknown>): Promise<void> {
    this.#pending = WATCHERS;
    const done = new Promise<void>((r) => {
      this.#wake = r;
    });
    this.#sentAt.set(seq, nowMs());
    await write();
    await done;
  }
}

/**
 * Both sides watch at once (each its own node); updates alternate between them (which goes
 * first alternates too), each after every watcher of that side saw the previous one. A server
 * or GC hiccup then lands on either side alike, instead of on whichever side ran at that time.
 */
async function measurePair(
  writer: ZooKeeperClient,
  paths: readonly [string, string],
  sides: readonly [Side, Side],
): Promise<[number[], number[]]> {
  const trackers = [new Tracker(), new Tracker()] as const;
  const watching = ([0, 1] as const).flatMap((s) =>
    Array.from({ length: WATCHERS }, (_, i) => sides[s].watch(i, trackers[s].got)),
  );
  await Promise.all(watching);
  for (let seq = 1; seq <= UPDATES; seq++) {
    for (const s of sidesInTurn(seq)) {
      await trackers[s].update(seq, () => writer.setData(paths[s], String(seq)));
    }
  }
  await Promise.all(sides.map((side) => side.close()));
  return [trackers[0].samples, trackers[1].samples];
}

async function oursSide(connectString: string, path: string): Promise<Side> {
  const clients = await Promise.all(
    Array.from({ length: WATCHERS }, (_, i) => connect(serverFor(connectString, i))),
  );
  const subs: { unsubscribe(): void }[] = [];
  return {
    watch: (i, got) =>
      new Promise<void>((resolve) => {
        const client = clients[i] as ZooKeeperClient;
        subs.push(
          watchData(client, path).subscribe((v) => {
            if (v) got(Number(v.data.toString()));
            resolve();
          }),
        );
      }),
    close: async () => {
      for (const s of subs) s.unsubscribe();
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

async function baselineSide(connectString: string, path: string): Promise<Side> {
  const clients = await Promise.all(
    Array.from({ length: WATCHERS }, (_, i) => connectNzc(serverFor(connectString, i))),
  );
  const stops: (() => void)[] = [];
  return {
    watch: (i, got) =>
      new Promise<void>((resolve) => {
        const client = clients[i];
        if (!client) throw new Error('no client');
        stops.push(
          nzcWatchConfig(client, path, (data) => {
            got(Number(data.toString()));
            resolve();
          }),
        );
      }),
    close: async () => {
      for (const s of stops) s();
      await Promise.all(clients.map((c) => closeNzc(c)));
    },
  };
}

/**
 * Runs the config propagation benchmark: two warm-up rounds, then 5 rounds, each with new sessions
 * on both sides watching at once and updates alternating between them; p50 and p99 are over
 * every round's samples pooled.
 */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const root = `/bench-config-${randomUUID()}`;
  const writer = await connect(ctx.connectString);
  // per round: that round's samples (every round has new sessions)
  const ours: number[][] = [];
  const base: number[][] = [];
  try {
    const paths = [`${root}/ours`, `${root}/baseline`] as const;
    await writer.create(root, '0');
    for (const p of paths) await writer.create(p, '0');
    for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
      // the warm-up rounds (JIT: the tail of the first few hundred updates is twice the rest's)
      // are discarded; each round has new sessions
      const [a, b] = await measurePair(writer, paths, [
        await oursSide(ctx.connectString, paths[0]),
        await baselineSide(ctx.connectString, paths[1]),
      ]);
      if (round >= 0) {
        ours.push(a);
        base.push(b);
      }
    }
  } finally {
    await writer.deleteRecursive(root).catch(() => {});
    await writer.close();
  }
  const label = `config propagation to ${WATCHERS} sessions (${UPDATES * ROUNDS} updates)`;
  // the sides ran interleaved, so a bad stretch hit both: pool every round's samples
  const over = (rounds: number[][], p: number) => percentile(rounds.flat(), p);
  return [
    {
      name: `${label} p50`,
      unit: 'ms',
      ours: over(ours, 50),
      baseline: over(base, 50),
      betterIs: 'lower',
    },
    {
      name: `${label} p99`,
      unit: 'ms',
      ours: over(ours, 99),
      baseline: over(base, 99),
      betterIs: 'lower',
      target: '>= 1.0x',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const connectString = process.argv[2] ?? '127.0.0.1:21811,127.0.0.1:21812,127.0.0.1:21813';
  for (const r of await run({ connectString })) {
    console.log(
      `${r.name}: ours ${r.ours.toFixed(2)} ${r.unit}, baseline ${r.baseline.toFixed(2)} ${r.unit}, ${(r.baseline / r.ours).toFixed(2)}x`,
    );
  }
}
