// Client core benchmark (issue 3): our client against node-zookeeper-client, same server, same run.
//  - sequential setData latency p50/p99 (2000 ops)
//  - pipelined getData throughput with 256 in flight (20000 ops)
//  - client CPU time per op during the pipelined run (process.cpuUsage)
import { randomUUID } from 'node:crypto';
import { connect } from '../src/index.js';
import { call, closeNzc, connectNzc } from './baseline/nzc.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { cpuMicros, nowMs, percentile } from './stats.js';

const SEQUENTIAL_OPS = 2000;
const PIPELINED_OPS = 20_000;
const IN_FLIGHT = 256;
const PIPELINED_WARMUP_OPS = 5000;
const PAYLOAD = Buffer.alloc(128, 7);

interface Figures {
  p50: number;
  p99: number;
  opsPerSec: number;
  cpuMicrosPerOp: number;
}

interface Ops {
  setData(path: string, data: Buffer): Promise<unknown>;
  getData(path: string): Promise<unknown>;
}

async function measure(ops: Ops, path: string): Promise<Figures> {
  // warm up both the JIT and the server's session
  for (let i = 0; i < 200; i++) await ops.setData(path, PAYLOAD);
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL_OPS; i++) {
    const t0 = nowMs();
    await ops.setData(path, PAYLOAD);
    latencies.push(nowMs() - t0);
  }
  let issued = 0;
  let limit = PIPELINED_WARMUP_OPS;
  const worker = async (): Promise<void> => {
    while (issued < limit) {
      issued++;
      await ops.getData(path);
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
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    opsPerSec: (PIPELINED_OPS / elapsedMs) * 1000,
    cpuMicrosPerOp: cpuMicros(cpu0) / PIPELINED_OPS,
  };
}

async function measureOurs(server: string, path: string): Promise<Figures> {
  const client = await connect(server, { sessionTimeoutMs: 10_000 });
  try {
    await client.create(path, PAYLOAD);
    const figures = await measure(
      { setData: (p, d) => client.setData(p, d), getData: (p) => client.getData(p) },
      path,
    );
    await client.delete(path);
    return figures;
  } finally {
    await client.close();
  }
}

async function measureBaseline(server: string, path: string): Promise<Figures> {
  const client = await connectNzc(server);
  try {
    await call<string>((cb) => client.create(path, PAYLOAD, cb));
    const figures = await measure(
      {
        setData: (p, d) => call((cb) => client.setData(p, d, cb)),
        getData: (p) => call((cb) => client.getData(p, cb)),
      },
      path,
    );
    await call<void>((cb) => client.remove(path, cb));
    return figures;
  } finally {
    await closeNzc(client);
  }
}

const ROUNDS = 5;

function median(values: number[]): number {
  return percentile(values, 50);
}

function medianFigures(rounds: Figures[]): Figures {
  return {
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    opsPerSec: median(rounds.map((r) => r.opsPerSec)),
    cpuMicrosPerOp: median(rounds.map((r) => r.cpuMicrosPerOp)),
  };
}

/**
 * Runs the client benchmark; both clients talk to the same single server. Rounds alternate
 * between the baseline and ours (and which of them goes first), and each figure is the median
 * over the rounds, so that a passing load on the machine hits both sides alike.
 */
export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const id = randomUUID().slice(0, 8);
  const baselineRounds: Figures[] = [];
  const ourRounds: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // alternate which side goes first: the side that follows the other's pipelined burst meets
    // the server's after-effects (GC) in its sequential latency phase
    const base = () => measureBaseline(ctx.singleServer, `/bench-nzc-${id}-${round}`);
    const ours = () => measureOurs(ctx.singleServer, `/bench-ours-${id}-${round}`);
    if (round % 2 === 0) {
      baselineRounds.push(await base());
      ourRounds.push(await ours());
    } else {
      ourRounds.push(await ours());
      baselineRounds.push(await base());
    }
  }
  const baseline = medianFigures(baselineRounds);
  const ours = medianFigures(ourRounds);
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
