// Client core benchmark (issue 3): our client against node-zookeeper-client, same server, same run.
//  - sequential setData latency p50/p99 (2000 ops)
//  - pipelined getData throughput with 256 in flight (20000 ops)
//  - client CPU time per op during the pipelined run (process.cpuUsage)
import { randomUUID } from 'node:crypto';
import { connect } from '../src/index.js';
import { call, closeNzc, connectNzc } from './baseline/nzc.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { cpuMicros, nowMs, percentile, sidesInTurn } from './stats.js';

const SEQUENTIAL_OPS = 2000;
const PIPELINED_OPS = 20_000;
const IN_FLIGHT = 256;
const PIPELINED_WARMUP_OPS = 5000;
const FIRST_WARMUP_OPS = 3000;
const PAYLOAD = Buffer.alloc(128, 7);

interface Ops {
  setData(path: string, data: Buffer): Promise<unknown>;
  getData(path: string): Promise<unknown>;
}

/** One client with its own node to work on. */
interface Side {
  ops: Ops;
  path: string;
  close(): Promise<void>;
}

async function oursSide(server: string, path: string): Promise<Side> {
  const client = await connect(server, { sessionTimeoutMs: 10_000 });
  await client.create(path, PAYLOAD);
  return {
    ops: { setData: (p, d) => client.setData(p, d), getData: (p) => client.getData(p) },
    path,
    async close() {
      await client.delete(path);
      await client.close();
    },
  };
}

async function baselineSide(server: string, path: string): Promise<Side> {
  const client = await connectNzc(server);
  await call<string>((cb) => client.create(path, PAYLOAD, cb));
  return {
    ops: {
      setData: (p, d) => call((cb) => client.setData(p, d, cb)),
      getData: (p) => call((cb) => client.getData(p, cb)),
    },
    path,
    async close() {
      await call<void>((cb) => client.remove(path, cb));
      await closeNzc(client);
    },
  };
}

/**
 * Sequential setData latencies of both sides, interleaved op by op (which side goes first
 * alternates), so that a server or GC hiccup lands on either side alike.
 */
async function latencies(sides: readonly [Side, Side], warmUpOps: number): Promise<[number[], number[]]> {
  const out: [number[], number[]] = [[], []];
  // warm up both the JIT and the server's sessions
  for (let i = 0; i < warmUpOps; i++) for (const side of sides) await side.ops.setData(side.path, PAYLOAD);
  for (let i = 0; i < SEQUENTIAL_OPS; i++) {
    for (const s of sidesInTurn(i)) {
      const side = sides[s];
      const t0 = nowMs();
      await side.ops.setData(side.path, PAYLOAD);
      out[s].push(nowMs() - t0);
    }
  }
  return out;
}

interface Pipelined {
  opsPerSec: number;
  cpuMicrosPerOp: number;
}

/** Pipelined getData throughput and client CPU per op of one side (alone: it is a burst). */
async function pipelined(side: Side): Promise<Pipelined> {
  let issued = 0;
  let limit = PIPELINED_WARMUP_OPS;
  const worker = async (): Promise<void> => {
    while (issued < limit) {
      issued++;
      await side.ops.getData(side.path);
    }
  };
  // warm the pipelined path too, so that JIT compilation of it is not measured as its CPU
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  issued = 0;
  limit = PIPELINED_OPS;
  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsedMs = nowMs() - t0;
  return { opsPerSec: (PIPELINED_OPS / elapsedMs) * 1000, cpuMicrosPerOp: cpuMicros(cpu0) / PIPELINED_OPS };
}

const ROUNDS = 5;

function median(values: number[]): number {
  return percentile(values, 50);
}

interface Figures {
  p50: number;
  p99: number;
  opsPerSec: number;
  cpuMicrosPerOp: number;
}

/**
 * Runs the client benchmark; both clients talk to the same single server. Each round opens new
 * sessions on both sides, measures their sequential latencies interleaved, then each side's
 * pipelined burst alone (which side goes first alternates). Latency percentiles are over all
 * rounds pooled; throughput and CPU are the medians over the rounds.
 */
export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const id = randomUUID().slice(0, 8);
  const lat: [number[], number[]] = [[], []];
  const bursts: [Pipelined[], Pipelined[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    const sides = [
      await oursSide(ctx.singleServer, `/bench-ours-${id}-${round}`),
      await baselineSide(ctx.singleServer, `/bench-nzc-${id}-${round}`),
    ] as const;
    try {
      // the first round warms up longer: slow calls on a fresh process keep coming for the first
      // couple of thousand (JIT tiering, on both sides: at the same call counts run after run)
      const [a, b] = await latencies(sides, round === 0 ? FIRST_WARMUP_OPS : 200);
      lat[0].push(...a);
      lat[1].push(...b);
      for (const s of sidesInTurn(round)) {
        bursts[s].push(await pipelined(sides[s]));
      }
    } finally {
      await Promise.all(sides.map((side) => side.close()));
    }
  }
  const figures = (s: 0 | 1): Figures => ({
    p50: percentile(lat[s], 50),
    p99: percentile(lat[s], 99),
    opsPerSec: median(bursts[s].map((r) => r.opsPerSec)),
    cpuMicrosPerOp: median(bursts[s].map((r) => r.cpuMicrosPerOp)),
  });
  const ours = figures(0);
  const baseline = figures(1);

  return [
    {
      name: 'setData latency p50 (2000 sequential)',
      unit: 'ms',
      ours: ours.p50,
      baseline: baseline.p50,
      betterIs: 'lower',
      target: 'no worse',
    },
    {
      name: 'setData latency p99 (2000 sequential)',
      unit: 'ms',
      ours: ours.p99,
      baseline: baseline.p99,
      betterIs: 'lower',
      target: 'no worse',
    },
    {
      name: 'getData throughput (256 in flight, 20000)',
      unit: 'ops/s',
      ours: ours.opsPerSec,
      baseline: baseline.opsPerSec,
      betterIs: 'higher',
      target: '>= 1.5x (or CPU <= 0.5x)',
    },
    {
      name: 'client CPU per getData (pipelined)',
      unit: 'µs/op',
      ours: ours.cpuMicrosPerOp,
      baseline: baseline.cpuMicrosPerOp,
      betterIs: 'lower',
      target: '<= 0.5x (or throughput >= 1.5x)',
    },
  ];
}
