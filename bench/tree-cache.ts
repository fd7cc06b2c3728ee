// TreeCache initial sync: a subtree of 10,100 nodes (100 parents x 100 children), time from
// start() to "initialized" and the heap it holds. Ours: TreeCache (one persistent recursive
// watch, pipelined reads, bounded in-flight); baseline: a hand-written nzc tree loader with a
// data and a child watch per node (bench/baseline/tree-load.ts). Fresh sessions for every run.
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TreeCache } from '../recipes/cache/index.js';
import { connect } from '../src/index.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nzcLoadTree } from './baseline/tree-load.js';
import { closeNzc, connectNzc } from './baseline/nzc.js';
import { nowMs } from './stats.js';

const PARENTS = 100;
const CHILDREN = 100;
const ROUNDS = 3;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function build(connectString: string, root: string): Promise<number> {
  const client = await connect(connectString);
  try {
    await client.create(root, 'root');
    let tx = client.multi();
    let ops = 0;
    const flush = async () => {
      if (ops > 0) await tx.commit();
      tx = client.multi();
      ops = 0;
    };
    for (let p = 0; p < PARENTS; p++) {
      tx.create(`${root}/p${p}`, `parent-${p}`);
      ops++;
      for (let c = 0; c < CHILDREN; c++) {
        tx.create(`${root}/p${p}/c${c}`, `{"parent":${p},"child":${c},"payload":"${'x'.repeat(40)}"}`);
        if (++ops >= 1000) await flush();
      }
    }
    await flush();
  } finally {
    await client.close();
  }
  return 1 + PARENTS + PARENTS * CHILDREN;
}

async function ours(
  connectString: string,
  root: string,
  expected: number,
): Promise<{ ms: number; mb: number }> {
  const client = await connect(connectString);
  try {
    const before = heapMb();
    const cache = new TreeCache(client, root);
    const start = nowMs();
    await cache.start({ timeoutMs: 120_000 });
    const ms = nowMs() - start;
    if (cache.current.size !== expected)
      throw new Error(`ours: ${cache.current.size} nodes, expected ${expected}`);
    const mb = heapMb() - before;
    await cache.close();
    return { ms, mb };
  } finally {
    await client.close();
  }
}

async function baseline(
  connectString: string,
  root: string,
  expected: number,
): Promise<{ ms: number; mb: number }> {
  const client = await connectNzc(connectString);
  try {
    const before = heapMb();
    const start = nowMs();
    const tree = await nzcLoadTree(client, root, () => {});
    const ms = nowMs() - start;
    if (tree.size !== expected) throw new Error(`baseline: ${tree.size} nodes, expected ${expected}`);
    const mb = heapMb() - before;
    return { ms, mb };
  } finally {
    await closeNzc(client);
  }
}

/** Runs the TreeCache benchmark (a warm-up, then best of 3 per side, interleaved). */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const root = `/bench-tree-${randomUUID()}`;
  const expected = await build(ctx.connectString, root);
  const a: { ms: number; mb: number }[] = [];
  const b: { ms: number; mb: number }[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const x =
        round % 2 === 0
          ? await ours(ctx.connectString, root, expected)
          : await baseline(ctx.connectString, root, expected);
      const y =
        round % 2 === 0
          ? await baseline(ctx.connectString, root, expected)
          : await ours(ctx.connectString, root, expected);
      if (round === 0) continue; // warm-up
      a.push(round % 2 === 0 ? x : y);
      b.push(round % 2 === 0 ? y : x);
    }
  } finally {
    const admin = await connect(ctx.connectString);
    await admin.deleteRecursive(root).catch(() => {});
    await admin.close();
  }
  const best = (xs: { ms: number }[]) => Math.min(...xs.map((x) => x.ms));
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] as number;
  return [
    {
      name: `TreeCache initial sync, ${expected} nodes`,
      unit: 'ms',
      ours: best(a),
      baseline: best(b),
      betterIs: 'lower',
      target: '>= 2x',
    },
    {
      name: `TreeCache heap held, ${expected} nodes`,
      unit: 'MB',
      ours: median(a.map((x) => x.mb)),
      baseline: median(b.map((x) => x.mb)),
      betterIs: 'lower',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const connectString = process.argv[2] ?? '127.0.0.1:21811,127.0.0.1:21812,127.0.0.1:21813';
  for (const r of await run({ connectString })) {
    console.log(
      `${r.name}: ours ${r.ours.toFixed(1)} ${r.unit}, baseline ${r.baseline.toFixed(1)} ${r.unit}, ${(r.baseline / r.ours).toFixed(2)}x`,
    );
  }
}
