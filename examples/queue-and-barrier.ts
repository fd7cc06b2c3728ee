/**
 * FIFO queue and barrier: a batch job. Three workers meet at a `DoubleBarrier` (nobody starts
 * before all are there), drain a FIFO `Queue` of tasks (each task is handed to exactly one
 * worker, in order), then meet again on the way out (nobody reports done before all finished).
 *
 * Run: `tsx examples/queue-and-barrier.ts [connectString]`
 */
import { connect } from '../src/index.js';
import { DoubleBarrier } from '../recipes/barriers/index.js';
import { Queue } from '../recipes/queues/index.js';
import { runExample } from './support/run-example.js';

export async function main(
  connectString: string,
): Promise<{ produced: number; consumed: number; duplicates: number; inOrderPerWorker: boolean }> {
  await using producer = await connect(connectString);
  const tasks = Array.from({ length: 30 }, (_, i) => `task-${String(i + 1).padStart(2, '0')}`);
  await new Queue(producer, '/batch/queue').putMany(tasks); // one atomic multi

  const workers = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  const results = await Promise.all(
    workers.map(async (client, i) => {
      const barrier = new DoubleBarrier(client, '/batch/barrier', workers.length, {
        memberId: `worker-${i + 1}`,
      });
      await barrier.enter({ timeoutMs: 20_000 }); // all three start together
      await using queue = new Queue(client, '/batch/queue');
      const mine: string[] = [];
      for (let item = await queue.poll(); item; item = await queue.poll()) {
        mine.push(item.data.toString());
        await new Promise((r) => setTimeout(r, 10)); // the work
      }
      await barrier.leave({ timeoutMs: 20_000 }); // and finish together
      console.log(`worker-${i + 1} took ${mine.length} tasks: ${mine.slice(0, 4).join(', ')}…`);
      return mine;
    }),
  );

  const consumed = results.flat();
  const duplicates = consumed.length - new Set(consumed).size;
  // FIFO: each worker got its tasks in queue order.
  const inOrderPerWorker = results.every((mine) => mine.every((t, i) => i === 0 || t > mine[i - 1]!));
  await Promise.all(workers.map((c) => c.close()));
  return { produced: tasks.length, consumed: consumed.length, duplicates, inOrderPerWorker };
}

await runExample(import.meta.url, main);
