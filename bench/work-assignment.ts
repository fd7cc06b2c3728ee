// Work assignment when a worker joins (50 items, 5 → 6 workers): our WorkAssignment (sticky,
// per-item handover) against kazoo's SetPartitioner algorithm on node-zookeeper-client
// (bench/baseline/set-partitioner.ts: release everything on a party change, re-partition).
// Measured: time from the join until all 50 items are held again with the new balance, and how
// many items had their work interrupted (released by their owner) on the way.
import { randomUUID } from 'node:crypto';
import { addWorkItems, readWorkOwners, WorkAssignment } from '../recipes/assignment/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { closeNzc, connectNzc } from './baseline/nzc.js';
import { NzcPartitioner } from './baseline/set-partitioner.js';
import { nowMs, percentile, sidesInTurn } from './stats.js';

const ITEMS = Array.from({ length: 50 }, (_, i) => `src-${String(i).padStart(2, '0')}`);

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!(await cond())) {
    if (nowMs() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function ours(cs: string): Promise<{ ms: number; interrupted: number }> {
  const root = `/bench-wa-${randomUUID()}`;
  const clients: ZooKeeperClient[] = await Promise.all(Array.from({ length: 6 }, () => connect(cs)));
  try {
    await addWorkItems(clients[0]!, root, ITEMS);
    const workers = clients.slice(0, 5).map((c, i) => new WorkAssignment(c, root, { workerId: `w${i}` }));
    await Promise.all(workers.map((w) => w.start()));
    const total = () => workers.reduce((n, w) => n + w.assignments.length, 0);
    await until(() => total() === 50);
    let interrupted = 0;
    const subs = workers.map((w) => {
      let prev = new Set(w.assignments.map((a) => a.item));
      return w.assignments$.subscribe((l) => {
        const now = new Set(l.map((a) => a.item));
        for (const i of prev) if (!now.has(i)) interrupted++;
        prev = now;
      });
    });
    const joiner = new WorkAssignment(clients[5]!, root, { workerId: 'w5' });
    const start = nowMs();
    await joiner.start();
    const all = [...workers, joiner];
    await until(
      () => joiner.assignments.length === 8 && all.reduce((n, w) => n + w.assignments.length, 0) === 50,
    );
    const ms = nowMs() - start;
    if ((await readWorkOwners(clients[0]!, root)).size !== 50) throw new Error('not every item owned');
    for (const s of subs) s.unsubscribe();
    await Promise.all(all.map((w) => w.close()));
    await clients[0]!.deleteRecursive(root);
    return { ms, interrupted };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function baseline(cs: string): Promise<{ ms: number; interrupted: number }> {
  const root = `/bench-sp-${randomUUID()}`;
  const clients = await Promise.all(Array.from({ length: 6 }, () => connectNzc(cs)));
  try {
    const workers = clients.slice(0, 5).map((c, i) => new NzcPartitioner(c, root, `w${i}`, ITEMS));
    for (const w of workers) await w.start();
    const total = (ws: NzcPartitioner[]) => ws.reduce((n, w) => n + w.held.size, 0);
    await until(() => total(workers) === 50 && workers.every((w) => w.held.size === 10));
    const releasedBefore = workers.reduce((n, w) => n + w.released, 0);
    const joiner = new NzcPartitioner(clients[5]!, root, 'w5', ITEMS);
    const start = nowMs();
    await joiner.start();
    const all = [...workers, joiner];
    await until(() => total(all) === 50 && all.every((w) => w.held.size >= 8 && w.held.size <= 9));
    const ms = nowMs() - start;
    const interrupted = workers.reduce((n, w) => n + w.released, 0) - releasedBefore;
    for (const w of all) await w.close();
    return { ms, interrupted };
  } finally {
    await Promise.all(clients.map((c) => closeNzc(c)));
  }
}

const JOINS = 7;

/**
 * Runs the join benchmark: a warm-up join per side, then 7 joins per side, alternating (which
 * side goes first alternates too); the time is the median join, `interrupted` the largest count.
 */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const cs = ctx.connectString;
  await ours(cs);
  await baseline(cs);
  const runs: [{ ms: number; interrupted: number }[], { ms: number; interrupted: number }[]] = [[], []];
  for (let i = 0; i < JOINS; i++) {
    for (const side of sidesInTurn(i)) {
      runs[side].push(side === 0 ? await ours(cs) : await baseline(cs));
    }
  }
  const summary = (r: { ms: number; interrupted: number }[]) => ({
    ms: percentile(
      r.map((x) => x.ms),
      50,
    ),
    interrupted: Math.max(...r.map((x) => x.interrupted)),
  });
  const o = summary(runs[0]);
  const b = summary(runs[1]);
  return [
    {
      name: `work assignment: 6th worker joins (50 items), time to rebalanced (median of ${JOINS})`,
      unit: 'ms',
      ours: o.ms,
      baseline: b.ms,
      betterIs: 'lower',
    },
    {
      name: 'work assignment: items interrupted by the join',
      unit: 'items',
      ours: o.interrupted,
      baseline: b.interrupted,
      betterIs: 'lower',
    },
  ];
}
