/**
 * Exclusive and shared locks. Three processes increment a counter stored in a znode with a
 * read-modify-write (not atomic by itself) under a `Mutex`: no update is lost. Then readers
 * share a `ReadWriteLock` (many at once) while a writer gets it alone.
 *
 * Run: `tsx examples/locks.ts [connectString]`
 */
import { connect, Mutex, ReadWriteLock } from '../index.js';
import { runExample } from './support/run-example.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function main(
  connectString: string,
): Promise<{ counter: number; expected: number; maxReaders: number; writerAlone: boolean }> {
  const clients = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  await clients[0]!.create('/counter', '0');

  // Exclusive: each process does 10 read-modify-writes, each one inside the lock.
  await Promise.all(
    clients.map(async (client, i) => {
      const mutex = new Mutex(client, '/locks/counter', { participantId: `process-${i + 1}` });
      for (let n = 0; n < 10; n++) {
        await mutex.withLock(
          async () => {
            const { data } = await client.getData('/counter');
            await client.setData('/counter', String(Number(data.toString()) + 1));
          },
          { timeoutMs: 20_000 },
        );
      }
    }),
  );
  const counter = Number((await clients[0]!.getData('/counter')).data.toString());
  console.log(`counter = ${counter} after 3 × 10 locked increments`);

  // Shared: three readers hold the read lock together; the writer waits for all of them.
  let readers = 0;
  let maxReaders = 0;
  let writerAlone = true;
  const rw = clients.map((client) => new ReadWriteLock(client, '/locks/catalog'));
  const reading = clients.map(async (_, i) => {
    await using _readLock = await rw[i]!.readLock.acquire({ timeoutMs: 20_000 });
    readers++;
    maxReaders = Math.max(maxReaders, readers);
    await pause(300);
    readers--;
  });
  await pause(100); // let the readers in first, then queue a writer behind them
  const writing = (async () => {
    await using lock = await rw[0]!.writeLock.acquire({ timeoutMs: 20_000 });
    if (readers !== 0) writerAlone = false;
    console.log(
      `writer holds the lock alone (readers active: ${readers}), token ${lock.fencingToken.sequence}`,
    );
  })();
  await Promise.all([...reading, writing]);
  console.log(`up to ${maxReaders} readers shared the lock`);

  await Promise.all(clients.map((c) => c.close()));
  return { counter, expected: 30, maxReaders, writerAlone };
}

await runExample(import.meta.url, main);
