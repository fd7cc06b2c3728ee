// Config propagation: one writer changes a config node; 20 watching sessions receive every value.
// Latency = time from issuing setData to each watcher's delivery. Ours: ConfigStore's watchData
// stream (one server watch per session); baseline: the hand-written getData+watcher loop on
// node-zookeeper-client (bench/baseline/config-watch.ts). Same ensemble, interleaved runs.
import { randomUUID } from 'node:crypto';
import { watchData } from '../recipes/cache/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nzcWatchConfig } from './baseline/config-watch.js';
import { closeNzc, connectNzc } from './baseline/nzc.js';
import { nowMs, percentile } from './stats.js';

const WATCHERS = 20;
const UPDATES = 150;
const ROUNDS = 5;

interface Side {
  /** Registers a watcher that calls `got(seq)` for each value; resolves once it saw the first. */
  watch(index: number, got: (seq: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** Issues UPDATES sequential changes, each after every watcher saw the previous one. */
async function measure(writer: ZooKeeperClient, path: string, side: Side): Promise<number[]> {
  const sentAt = new Map<number, number>();
  const samples: number[] = [];
  let pending = 0;
  let wake: (() => void) | null = null;
  const got = (seq: number) => {
    const t = sentAt.get(seq);
    if (t === undefined) return;
    samples.push(nowMs() - t);
    if (--pending === 0) wake?.();
  };
  await Promise.all(Array.from({ length: WATCHERS }, (_, i) => side.watch(i, got)));
  for (let seq = 1; seq <= UPDATES; seq++) {
    pending = WATCHERS;
    const done = new Promise<void>((r) => {
      wake = r;
    });
    sentAt.set(seq, nowMs());
    await writer.setData(path, String(seq));
    await done;
  }
  await side.close();
  return samples;
}

async function oursSide(connectString: string, path: string): Promise<Side> {
  const clients = await Promise.all(Array.from({ length: WATCHERS }, () => connect(connectString)));
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
  const clients = await Promise.all(Array.from({ length: WATCHERS }, () => connectNzc(connectString)));
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
 * Runs the config propagation benchmark (a warm-up, then ours and baseline interleaved, 5 rounds
 * each); p50 and p99 are the medians of the per-round percentiles.
 */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const root = `/bench-config-${randomUUID()}`;
  const writer = await connect(ctx.connectString);
  // per round: that round's samples; a figure is the median over rounds of the round's percentile,
  // so that one server GC pause during one side's round does not decide the comparison
  const ours: number[][] = [];
  const base: number[][] = [];
  try {
    await writer.create(root, '0');
    for (let round = 0; round <= ROUNDS; round++) {
      // round 0 warms both sides up (JIT, connections) and is discarded
      // alternate which side goes first, so neither always runs on a warmer or busier machine
      const runOurs = async () => {
        await writer.setData(root, '0');
        return measure(writer, root, await oursSide(ctx.connectString, root));
      };
      const runBase = async () => {
        await writer.setData(root, '0');
        return measure(writer, root, await baselineSide(ctx.connectString, root));
      };
      const first = round % 2 === 0 ? await runOurs() : await runBase();
      const second = round % 2 === 0 ? await runBase() : await runOurs();
      const [a, b] = round % 2 === 0 ? [first, second] : [second, first];
      if (round > 0) {
        ours.push(a);
        base.push(b);
      }
    }
  } finally {
    await writer.deleteRecursive(root).catch(() => {});
    await writer.close();
  }
  const label = `config propagation to ${WATCHERS} sessions (${UPDATES * ROUNDS} updates)`;
  const over = (rounds: number[][], p: number) =>
    percentile(
      rounds.map((r) => percentile(r, p)),
      50,
    );
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
