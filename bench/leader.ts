// Leader failover benchmark (issue 4): 5 participants; the leader leaves (close) and we time
// until the next one knows it leads, then it joins the end of the line again. Our LeaderLatch
// against the hand-written election on node-zookeeper-client (bench/baseline/leader.ts). Both
// lines stand at once (each on its own path and sessions) and their failovers alternate, so a
// server or GC hiccup lands on either side alike; p50 and p90 over the rounds.
import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom } from 'rxjs';
import { LeaderLatch } from '../recipes/leader/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import { type NzcCandidate, nzcCandidate } from './baseline/leader.js';
import { call, closeNzc, connectNzc, type NzcClient } from './baseline/nzc.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nowMs, percentile, sidesInTurn } from './stats.js';

const PARTICIPANTS = 5;
const ROUNDS = 30;
const WARMUP_ROUNDS = 10;

/** A line of participants: the first leads. */
interface Line {
  /** The leader leaves; resolves with ms until the next one knows it leads (it then rejoins). */
  failover(round: number): Promise<number>;
  close(): Promise<void>;
}

async function ourLine(connectString: string, path: string): Promise<Line> {
  const clients: ZooKeeperClient[] = await Promise.all(
    Array.from({ length: PARTICIPANTS }, () => connect(connectString, { sessionTimeoutMs: 10_000 })),
  );
  const line: LeaderLatch[] = [];
  for (let i = 0; i < PARTICIPANTS; i++) {
    const latch = new LeaderLatch(clients[i] as ZooKeeperClient, path, { id: `p${i}` });
    await latch.start();
    line.push(latch);
  }
  await line[0]?.waitForLeadership();
  return {
    async failover(round) {
      const leader = line.shift() as LeaderLatch;
      const next = line[0] as LeaderLatch;
      const elected = firstValueFrom(next.isLeader$.pipe(filter(Boolean)));
      const t0 = nowMs();
      await Promise.all([leader.close(), elected]);
      const ms = nowMs() - t0;
      // The old leader's client joins the end of the line again.
      const again = new LeaderLatch(clients[round % PARTICIPANTS] as ZooKeeperClient, path, {
        id: `r${round}`,
      });
      await again.start();
      line.push(again);
      return ms;
    },
    async close() {
      await Promise.all(line.map((l) => l.close()));
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

async function baselineLine(connectString: string, path: string): Promise<Line> {
  const clients: NzcClient[] = await Promise.all(
    Array.from({ length: PARTICIPANTS }, () => connectNzc(connectString)),
  );
  const line: NzcCandidate[] = [];
  await call<string>((cb) => (clients[0] as NzcClient).mkdirp(path, cb));
  for (const client of clients) line.push(await nzcCandidate(client, path));
  await line[0]?.elected;
  return {
    async failover(round) {
      const leader = line.shift() as NzcCandidate;
      const next = line[0] as NzcCandidate;
      const t0 = nowMs();
      await Promise.all([leader.resign(), next.elected]);
      const ms = nowMs() - t0;
      line.push(await nzcCandidate(clients[round % PARTICIPANTS] as NzcClient, path));
      return ms;
    },
    async close() {
      await Promise.all(line.map((c) => c.resign().catch(() => {})));
      await Promise.all(clients.map((c) => closeNzc(c)));
    },
  };
}

/** Runs the failover benchmark; see the module comment. */
export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const base = `/bench-leader-${randomUUID()}`;
  const lines = [
    await ourLine(ctx.connectString, `${base}/ours`),
    await baselineLine(ctx.connectString, `${base}/nzc`),
  ] as const;
  const samples: [number[], number[]] = [[], []];
  try {
    // the warm-up rounds (cold JIT on a fresh process) are discarded
    for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
      for (const side of sidesInTurn(round)) {
        const ms = await lines[side].failover(round + WARMUP_ROUNDS);
        if (round >= 0) samples[side].push(ms);
      }
    }
  } finally {
    await Promise.all(lines.map((l) => l.close()));
    const admin = await connect(ctx.connectString);
    await admin.deleteRecursive(base).catch(() => {});
    await admin.close();
  }
  const [ourSamples, baseSamples] = samples;
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
      name: `leader failover p90 (${PARTICIPANTS} participants, ${ROUNDS} rounds)`,
      unit: 'ms',
      ours: percentile(ourSamples, 90),
      baseline: percentile(baseSamples, 90),
      betterIs: 'lower',
    },
  ];
}
