// Queue benchmarks (issue 4): end-to-end throughput of 1 producer and 2 consumers moving 2000
// items (the producer keeps 32 puts in flight on both sides), our Queue against the hand-written
// recipe on node-zookeeper-client (bench/baseline/queues.ts); and putMany (one multi per ~1 MiB)
// against sequential single creates.
import { randomUUID } from 'node:crypto';
import { Queue } from '../recipes/queues/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import { nzcPut, nzcTake } from './baseline/queues.js';
import { call, closeNzc, connectNzc, type NzcClient } from './baseline/nzc.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { nowMs } from './stats.js';

const ITEMS = 2000;
const PAYLOAD = Buffer.alloc(64, 1);
/** Puts in flight in the producer (both sides). */
const WINDOW = 32;

async function oursEndToEnd(connectString: string, path: string): Promise<number> {
  const clients: ZooKeeperClient[] = await Promise.all(
    [0, 1, 2].map(() => connect(connectString, { sessionTimeoutMs: 10_000 })),
  );
  try {
    const [producer, c1, c2] = clients as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    await producer.mkdirp(path);
    let consumed = 0;
    const done = new AbortController();
    const start = nowMs();
    const consume = async (client: ZooKeeperClient): Promise<void> => {
      const queue = new Queue(client, path);
      try {
        while (consumed < ITEMS) {
          await queue.take({ signal: done.signal });
          if (++consumed === ITEMS) done.abort();
        }
      } catch {
        // aborted: the other consumer took the last item
      } finally {
        await queue.close();
      }
    };
    const queue = new Queue(producer, path);
    await Promise.all([windowed((data) => queue.put(data)), consume(c1), consume(c2)]);
    return ITEMS / ((nowMs() - start) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** The producer: puts ITEMS items with up to WINDOW puts in flight (the same for both sides). */
async function windowed(put: (data: Buffer) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ITEMS) {
      next++;
      await put(PAYLOAD);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
}

async function baselineEndToEnd(connectString: string, path: string): Promise<number> {
  const clients: NzcClient[] = await Promise.all([0, 1, 2].map(() => connectNzc(connectString)));
  try {
    const [producer, c1, c2] = clients as [NzcClient, NzcClient, NzcClient];
    await call<string>((cb) => producer.mkdirp(path, cb));
    let consumed = 0;
    const start = nowMs();
    const consume = async (client: NzcClient): Promise<void> => {
      // Stops once every item is consumed: the last waiter is released by a sentinel item.
      for (;;) {
        const data = await nzcTake(client, path);
        if (data.length === 0) return;
        if (++consumed === ITEMS) {
          await nzcPut(client, path, Buffer.alloc(0));
          return;
        }
      }
    };
    await Promise.all([windowed((data) => nzcPut(producer, path, data)), consume(c1), consume(c2)]);
    return ITEMS / ((nowMs() - start) / 1000);
  } finally {
    await Promise.all(clients.map((c) => closeNzc(c)));
  }
}

async function oursPutMany(connectString: string, path: string): Promise<number> {
  const client = await connect(connectString, { sessionTimeoutMs: 10_000 });
  try {
    const queue = new Queue(client, path);
    await client.mkdirp(path);
    const items = Array.from({ length: ITEMS }, () => PAYLOAD);
    const start = nowMs();
    await queue.putMany(items);
    const rate = ITEMS / ((nowMs() - start) / 1000);
    await client.deleteRecursive(path);
    return rate;
  } finally {
    await client.close();
  }
}

/** node-zookeeper-client has `removeRecursive`, missing from its type definitions. */
interface NzcRemoveRecursive {
  removeRecursive(path: string, version: number, cb: (err: Error | null) => void): void;
}

async function baselineSinglePuts(connectString: string, path: string): Promise<number> {
  const client = await connectNzc(connectString);
  try {
    await call<string>((cb) => client.mkdirp(path, cb));
    const start = nowMs();
    for (let i = 0; i < ITEMS; i++) await nzcPut(client, path, PAYLOAD);
    const rate = ITEMS / ((nowMs() - start) / 1000);
    await call<void>((cb) => (client as unknown as NzcRemoveRecursive).removeRecursive(path, -1, cb));
    return rate;
  } finally {
    await closeNzc(client);
  }
}

/** Runs the queue benchmarks; see the module comment. */
export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const base = `/bench-queues-${randomUUID()}`;
  const admin = await connect(ctx.connectString);
  try {
    const oursRate = await oursEndToEnd(ctx.connectString, `${base}/ours`);
    const baseRate = await baselineEndToEnd(ctx.connectString, `${base}/nzc`);
    const putMany = await oursPutMany(ctx.connectString, `${base}/put-many`);
    const single = await baselineSinglePuts(ctx.connectString, `${base}/single`);
    return [
      {
        name: `queue end to end (1 producer, 2 consumers, ${ITEMS} items)`,
        unit: 'items/s',
        ours: oursRate,
        baseline: baseRate,
        betterIs: 'higher',
        target: '>= 1.5x',
      },
      {
        name: `putMany ${ITEMS} items vs ${ITEMS} single creates`,
        unit: 'items/s',
        ours: putMany,
        baseline: single,
        betterIs: 'higher',
        target: '>= 5x',
      },
    ];
  } finally {
    await admin.deleteRecursive(base).catch(() => {});
    await admin.close();
  }
}
