// Lock throughput: 8 sessions x 50 acquire/release rounds on one lock path, our Mutex against a
// hand-written herd-free lock on node-zookeeper-client (bench/baseline/locks.ts).
import { randomUUID } from 'node:crypto';
import { Mutex } from '../recipes/locks/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import { nzcAcquire, nzcRelease } from './baseline/locks.js';
import { advantage, type BenchContext, type BenchResult } from './bench-result.js';
import { closeNzc, connectNzc } from './baseline/nzc.js';
import { nowMs, percentile } from './stats.js';

const SESSIONS = 8;
const ROUNDS = 50;

async function ours(connectString: string, path: string): Promise<number> {
  const clients: ZooKeeperClient[] = await Promise.all(
    Array.from({ length: SESSIONS }, () => connect(connectString, { sessionTimeoutMs: 10_000 })),
  );
  try {
    let holders = 0;
    const start = nowMs();
    await Promise.all(
      clients.map(async (c) => {
        const mutex = new Mutex(c, path);
        for (let i = 0; i < ROUNDS; i++) {
          const lock = await mutex.acquire();
          if (++holders !== 1) throw new Error('two holders');
          holders--;
          await lock.release();
        }
      }),
    );
    return (SESSIONS * ROUNDS) / ((nowMs() - start) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function baseline(connectString: string, path: string): Promise<number> {
  const clients = await Promise.all(Array.from({ length: SESSIONS }, () => connectNzc(connectString)));
  try {
    let holders = 0;
    const start = nowMs();
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < ROUNDS; i++) {
          const node = await nzcAcquire(c, path);
          if (++holders !== 1) throw new Error('two holders (baseline)');
          holders--;
          await nzcRelease(c, node);
        }
      }),
    );
    return (SESSIONS * ROUNDS) / ((nowMs() - start) / 1000);
  } finally {
    await Promise.all(clients.map((c) => closeNzc(c)));
  }
}

const HANDOVERS = 100;

function settleSoon(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2));
}

async function oursHandover(connectString: string, path: string): Promise<number> {
  const [a, b] = await Promise.all([connect(connectString), connect(connectString)]);
  try {
    const [ma, mb] = [new Mutex(a as ZooKeeperClient, path), new Mutex(b as ZooKeeperClient, path)];
    const samples: number[] = [];
    for (let i = 0; i < HANDOVERS; i++) {
      const held = await ma.acquire();
      const next = mb.acquire();
      await settleSoon(); // let the waiter queue and arm its watch
      const start = nowMs();
      void held.release();
      const got = await next;
      samples.push(nowMs() - start);
      await got.release();
    }
    return percentile(samples, 50);
  } finally {
    await Promise.all([a?.close(), b?.close()]);
  }
}

async function baselineHandover(connectString: string, path: string): Promise<number> {
  const [a, b] = await Promise.all([connectNzc(connectString), connectNzc(connectString)]);
  try {
    const samples: number[] = [];
    for (let i = 0; i < HANDOVERS; i++) {
      const held = await nzcAcquire(a, path);
      const next = nzcAcquire(b, path);
      await settleSoon();
      const start = nowMs();
      void nzcRelease(a, held);
      const got = await next;
      samples.push(nowMs() - start);
      await nzcRelease(b, got);
    }
    return percentile(samples, 50);
  } finally {
    await Promise.all([closeNzc(a), closeNzc(b)]);
  }
}

/** Runs the lock benchmark (warm-up round first, then best of 3 for each side, interleaved). */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const root = `/bench-locks-${randomUUID()}`;
  await ours(ctx.connectString, `${root}/warm-ours`);
  await baseline(ctx.connectString, `${root}/warm-nzc`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 3; i++) {
    a.push(await ours(ctx.connectString, `${root}/ours-${i}`));
    b.push(await baseline(ctx.connectString, `${root}/nzc-${i}`));
  }
  const handoverOurs = await oursHandover(ctx.connectString, `${root}/hand-ours`);
  const handoverBase = await baselineHandover(ctx.connectString, `${root}/hand-nzc`);
  const admin = await connect(ctx.connectString);
  await admin.deleteRecursive(root).catch(() => {});
  await admin.close();
  return [
    {
      name: `lock acquisitions/s (${SESSIONS} sessions x ${ROUNDS}, one path)`,
      unit: 'ops/s',
      ours: Math.max(...a),
      baseline: Math.max(...b),
      betterIs: 'higher',
      target: '>= 1.3x',
    },
    {
      name: `lock hand-over latency p50 (release to next holder, 2 sessions x ${HANDOVERS})`,
      unit: 'ms',
      ours: handoverOurs,
      baseline: handoverBase,
      betterIs: 'lower',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const connectString = process.argv[2] ?? '127.0.0.1:21811,127.0.0.1:21812,127.0.0.1:21813';
  for (const r of await run({ connectString })) {
    console.log(
      `${r.name}: ours ${r.ours.toFixed(2)} ${r.unit}, baseline ${r.baseline.toFixed(2)} ${r.unit}, ${advantage(r).toFixed(2)}x`,
    );
  }
}
