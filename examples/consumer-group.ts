/**
 * Kafka-style consumer group: a topic's partitions are work items; consumers in the group own
 * disjoint partitions (`WorkAssignment`) and store their offset per partition as progress
 * (fenced: a consumer that lost a partition cannot overwrite the new owner's offset). When a
 * consumer leaves, its partitions move and the new owner resumes from the stored offsets.
 *
 * Run: `tsx examples/consumer-group.ts [connectString]`
 */
import { addWorkItems, connect, WorkAssignment } from '../index.js';
import { runExample } from './support/run-example.js';

const PARTITIONS = ['orders-0', 'orders-1', 'orders-2', 'orders-3'];
const MESSAGES_PER_PARTITION = 12;

export async function main(connectString: string): Promise<{
  perPartition: Record<string, number>;
  duplicates: number;
  inOrder: boolean;
  complete: boolean;
}> {
  await using admin = await connect(connectString);
  await addWorkItems(admin, '/groups/billing', PARTITIONS);
  const delivered: Record<string, number[]> = Object.fromEntries(PARTITIONS.map((p) => [p, []]));
  let finish!: () => void;
  const allConsumed = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const complete = () => PARTITIONS.every((p) => delivered[p]!.length >= MESSAGES_PER_PARTITION);
  let someConsumed!: () => void;
  const tenConsumed = new Promise<void>((resolve) => {
    someConsumed = resolve;
  });

  /** Consumes one partition from its stored offset until the partition is revoked. */
  async function poll(consumer: WorkAssignment, partition: string, signal: AbortSignal): Promise<void> {
    const stored = await consumer.readProgress(partition);
    let offset = stored ? Number(stored.toString()) : 0;
    console.log(`${consumer.workerId} got ${partition}, resuming at offset ${offset}`);
    while (!signal.aborted && offset < MESSAGES_PER_PARTITION) {
      delivered[partition]!.push(offset); // "process" message #offset
      if (Object.values(delivered).flat().length >= 10) someConsumed();
      offset++;
      await consumer.progress(partition, String(offset)).catch(() => {}); // commit the offset
      await new Promise((r) => setTimeout(r, 15));
    }
    if (complete()) finish();
  }

  const clients = await Promise.all([1, 2].map(() => connect(connectString)));
  const consumers = clients.map(
    (c, i) => new WorkAssignment(c, '/groups/billing', { workerId: `consumer-${i + 1}` }),
  );
  for (const consumer of consumers) {
    const running = new Set<string>();
    consumer.assignments$.subscribe((owned) => {
      for (const { item, signal } of owned) {
        if (running.has(item)) continue;
        running.add(item);
        void poll(consumer, item, signal).finally(() => running.delete(item));
      }
    });
    await consumer.start({ timeoutMs: 10_000 });
  }

  // After a few messages consumer-1 leaves the group (a deploy): its partitions move.
  await tenConsumed;
  console.log('consumer-1 leaves the group');
  await consumers[0]!.close();
  await allConsumed;

  await consumers[1]!.close();
  await Promise.all(clients.map((c) => c.close()));
  const lists = Object.values(delivered);
  const duplicates = lists.reduce((n, list) => n + list.length - new Set(list).size, 0);
  const inOrder = lists.every((list) => list.every((offset, i) => offset === i));
  const perPartition = Object.fromEntries(PARTITIONS.map((p) => [p, delivered[p]!.length]));
  return { perPartition, duplicates, inOrder, complete: complete() };
}

await runExample(import.meta.url, main);
