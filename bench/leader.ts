// Leader failover benchmark (issue 4): 5 participants; the leader leaves (close) and we time
// until the next one knows it leads; 10 rounds, p50 and max. Our LeaderLatch against the
// hand-written election on node-zookeeper-client (bench/baseline/leader.ts).
import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom } from 'rxjs';
import { LeaderLatch } from '../recipes/leader/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import { type NzcCandidate, nzcCandidate } from './baseline/leader.js';
import { call, closeNzc, connectNzc, type NzcClient } from './baseline/nzc.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nowMs, percentile } from './stats.js';

const PARTICIPANTS = 5;
const ROUNDS = 10;

async function ours(connectString: string, path: string): Promise<number[]> {
  const clients: ZooKeeperClient[] = await Promise.all(
    Array.from({ length: PARTICIPANTS }, () => connect(connectString, { sessionTimeoutMs: 10_000 })),
  );
  const line: LeaderLatch[] = [];
  try {
    for (let i = 0; i < PARTICIPANTS; i++) {
      const latch = new LeaderLatch(clients[i] as ZooKeeperClient, path, { id: `p${i}` });
      await latch.start();
      line.push(latch);
    }
    await line[0]?.waitForLeadership();
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const leader = line.shift() as LeaderLatch;
      const next = line[0] as LeaderLatch;
      const elected = firstValueFrom(next.isLeader$.pipe(filter(Boolean)));
      const t0 = nowMs();
      await Promise.all([leader.close(), elected]);
      samples.push(nowMs() - t0);
      // The old leader's client joins the end of the line again.
      const again = new LeaderLatch(clients[round % PARTICIPANTS] as ZooKeeperClient, path, {
        id: `r${round}`,
      });
      await again.start();
      line.push(again);
    }
    return samples;
  } finally {
    await Promise.all(line.map((l) => l.close()));
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function baseline(connectString: string, path: string): Promise<number[]> {
  const clients: NzcClient[] = await Promise.all(
    Array.from({ length: PARTICIPANTS }, () => connectNzc(connectString)),
  );
  const line: NzcCandidate[] = [];
  try {
    await call<string>((cb) => (clients[0] as NzcClient).mkdirp(path, cb));
    for (const client of clients) line.push(await nzcCandidate(client, path));
    await line[0]?.elected;
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const leader = line.shift() as NzcCandidate;
      const next = line[0] as NzcCandidate;
      const t0 = nowMs();
      await Promise.all([leader.resign(), next.elected]);
      samples.push(nowMs() - t0);
      line.push(await nzcCandidate(clients[round % PARTICIPANTS] as NzcClient, path));
    }
    return samples;
  } finally {
    await Promise.all(line.map((c) => c.resign().catch(() => {})));
    await Promise.all(clients.map((c) => closeNzc(c)));
  }
}

/** Runs the failover benchmark; see the module comment. */
export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const base = `/bench-leader-${randomUUID()}`;
  // One unmeasured pass of each first: a fresh ensemble (cold JIT) would penalise whoever runs first.
  await ours(ctx.connectString, `${base}/warm-ours`);
  await baseline(ctx.connectString, `${base}/warm-nzc`);
  const ourSamples = await ours(ctx.connectString, `${base}/ours`);
  const baseSamples = await baseline(ctx.connectString, `${base}/nzc`);
  const admin = await connect(ctx.connectString);
  await admin.deleteRecursive(base).catch(() => {});
  await admin.close();
  return [
    {
      name: `leader failover p50 (${PARTICIPANTS} participants, leader closes, ${ROUNDS} rounds)`,
      unit: 'ms',
      ours: percentile(ourSamples, 50),
      baseline: percentile(baseSamples, 50),
      betterIs: 'lower',
      target: '< 5 ms',
    },
    {
      name: `leader failover max (${PARTICIPANTS} participants, ${ROUNDS} rounds)`,
      unit: 'ms',
      ours: Math.max(...ourSamples),
      baseline: Math.max(...baseSamples),
      betterIs: 'lower',
    },
  ];
}
