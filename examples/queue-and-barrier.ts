/**
 * FIFO queue and barrier: a batch job. Three workers meet at a `DoubleBarrier` (nobody starts
 * before all are there), drain a FIFO `Queue` of tasks (each task is handed to exactly one
 * worker), then meet again on the way out (nobody reports done before all finished). A single
 * consumer gets items in exactly the order they were put; with several consumers, those that
 * collide on the head spread out, so one worker's share is not necessarily in queue order.
 *
 * Run: `tsx examples/queue-and-barrier.ts [connectString]`
 */
import { connect, DoubleBarrier, Queue } from '../index.js';
import { runExample } from './support/run-example.js';

export async function main(
  connectString: string,
): Promise<{ produced: number; consumed: number; duplicates: number; fifo: string[] }> {
  await using producer = await connect(connectString);
  const tasks = Array.from({ length: 30 }, (_, i) => `task-${String(i + 1).padStart(2, '0')}`);
  await new Queue(producer, '/batch/queue').putMany(tasks); // one atomic multi

  // FIFO with one consumer: items come out in the order they went in.
  await using audit = new Queue(producer, '/batch/audit');
  for (const step of ['open', 'process', 'close']) await audit.put(step);
  const fifo: string[] = [];
  for (let item = await audit.poll(); item; item = await audit.poll()) fifo.push(item.data.toString());
  console.log('single consumer order:', fifo.join(' → '));

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
  await Promise.all(workers.map((c) => c.close()));
  return { produced: tasks.length, consumed: consumed.length, duplicates, fifo };
}

await runExample(import.meta.url, main);
