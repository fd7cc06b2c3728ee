// Protected puts across a lost reply, against the real ensemble: the client is wrapped so that
// chosen transactions fail with ConnectionLossError, either after the server applied them (the
// reply is lost) or without being sent. test/chaos/queue-put-faults.test.ts does the same with
// real network faults.
import { describe, expect, it } from 'vitest';
import {
  LockingQueue,
  PriorityQueue,
  PutManyError,
  PutOutcomeUnknownError,
  Queue,
} from '../../../recipes/queues/index.js';
import { ConnectionLossError, type Transaction, type ZooKeeperClient } from '../../../src/index.js';
import { newClient, zkConnectString } from '../../support/zk.js';

const text = (b: Buffer): string => b.toString('utf8');

/** What happens to the next transaction: applied then its reply lost, or lost before sending. */
type Fault = { kind: 'reply-lost'; after?: () => Promise<void> } | { kind: 'not-sent' } | undefined;

/**
 * The same client, except that transactions (`multi().commit()`) consume `faults` in order: a
 * fault makes the commit reject with ConnectionLossError, after applying it or without sending
 * it. `sessionAfterFault` makes `sessionId` report another session once a fault was injected.
 */
function faulty(
  client: ZooKeeperClient,
  faults: Fault[],
  opts: { sessionAfterFault?: bigint } = {},
): ZooKeeperClient & { commits: number } {
  let faulted = false;
  const state = { commits: 0 };
  const wrapTx = (tx: Transaction): Transaction => {
    const wrapper: Transaction = new Proxy(tx, {
      get(target, prop) {
        if (prop === 'commit') {
          return async (...args: Parameters<Transaction['commit']>) => {
            state.commits++;
            const fault = faults.shift();
            if (!fault) return target.commit(...args);
            faulted = true;
            if (fault.kind === 'not-sent') throw new ConnectionLossError({ message: 'injected: not sent' });
            await target.commit(...args);
            await fault.after?.();
            throw new ConnectionLossError({ message: 'injected: reply lost' });
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          (value as (...a: unknown[]) => unknown).apply(target, args);
          return wrapper;
        };
      },
    });
    return wrapper;
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'commits') return state.commits;
      if (prop === 'multi') return () => wrapTx(target.multi());
      if (prop === 'sessionId' && faulted && opts.sessionAfterFault !== undefined)
        return opts.sessionAfterFault;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as ZooKeeperClient & { commits: number };
}

/** Deletes the receipts under `path`, as the server does with the ephemerals of an expired session. */
async function dropReceipts(client: ZooKeeperClient, path: string): Promise<void> {
  for (const child of await client.getChildren(path)) {
    if (child.startsWith('receipt-')) await client.delete(`${path}/${child}`);
  }
}

async function drain(queue: Queue | PriorityQueue): Promise<string[]> {
  const got: string[] = [];
  for (let item = await queue.poll(); item; item = await queue.poll()) got.push(text(item.data));
  return got;
}

describe('protected puts: lost replies', () => {
  it.each<[string, Fault[], number, string]>([
    // found by reading back, not written again
    [
      'a put whose reply is lost resolves with its real name and is in the queue once',
      [{ kind: 'reply-lost' }],
      1,
      'only-once',
    ],
    [
      'a put that never reached the server is written again, once',
      [{ kind: 'not-sent' }, { kind: 'not-sent' }],
      3,
      'late',
    ],
  ])('%s', async (_title, faults, commits, data) => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const producer = faulty(client, faults);
    const name = await new Queue(producer, '/q').put(data);
    expect(producer.commits).toBe(commits);
    await using consumer = new Queue(client, '/q');
    expect((await consumer.peek())?.name).toBe(name);
    expect(await drain(consumer)).toEqual([data]);
  });

  it('an item a consumer took before the producer looked is not written again (the receipt tells)', async () => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using consumer = new Queue(other, '/q');
    const taken: { name: string; data: string }[] = [];
    const producer = faulty(client, [
      {
        kind: 'reply-lost',
        after: async () => {
          const item = await consumer.take({ timeoutMs: 5_000 });
          taken.push({ name: item.name, data: text(item.data) });
        },
      },
    ]);
    const name = await new Queue(producer, '/q').put('job');
    expect(producer.commits).toBe(1);
    expect(taken).toEqual([{ name, data: 'job' }]);
    expect(await drain(consumer)).toEqual([]);
  });

  it('putMany: a chunk whose reply is lost keeps its names and order; every item once', async () => {
    const client = await newClient();
    await client.mkdirp('/pq'); // the first transaction is the put itself
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using consumer = new PriorityQueue(other, '/pq');
    // 3 chunks; the second one's reply is lost after a consumer took one of its items
    const producer = faulty(client, [
      undefined,
      {
        kind: 'reply-lost',
        after: async () => {
          await consumer.take({ timeoutMs: 5_000 }); // the most urgent: from chunk 2
        },
      },
    ]);
    const items = Array.from({ length: 30 }, (_, i) => ({
      data: `${i}-${'x'.repeat(150)}`,
      priority: i === 15 ? -1 : 0,
    }));
    const names = await new PriorityQueue(producer, '/pq', { maxBatchBytes: 4_096 }).putMany(items);
    expect(producer.commits).toBe(3);
    expect(names).toHaveLength(30);
    expect(new Set(names).size).toBe(30);
    const seqs = names.map((n) => Number(n.slice(-10)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const rest = await drain(consumer);
    expect(rest).toEqual(items.filter((_, i) => i !== 15).map((it) => it.data));
  });

  it('LockingQueue: a put whose reply is lost is in entries/ once', async () => {
    const client = await newClient();
    await client.mkdirp('/lq/entries'); // the first transaction is the put itself
    const producer = faulty(client, [{ kind: 'reply-lost' }]);
    const name = await new LockingQueue(producer, '/lq').put('job', { priority: 5 });
    expect(name).toMatch(/^entry-005-_c_[0-9a-f-]{36}-\d{10}$/);
    await using queue = new LockingQueue(client, '/lq');
    expect(await queue.size()).toBe(1);
    const item = await queue.take({ timeoutMs: 5_000 });
    expect(item.name).toBe(name);
    await item.complete();
    expect(await queue.size()).toBe(0);
  });

  it('reply lost, item taken, session changed: PutOutcomeUnknownError with the data, nothing re-sent', async () => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using consumer = new Queue(other, '/q');
    const producer = faulty(
      client,
      [
        {
          kind: 'reply-lost',
          after: async () => {
            await consumer.take({ timeoutMs: 5_000 });
            await dropReceipts(other, '/q');
          },
        },
      ],
      { sessionAfterFault: 42n }, // as if the session that wrote the receipt had expired
    );
    const err = await new Queue(producer, '/q').put('maybe').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PutOutcomeUnknownError);
    expect((err as PutOutcomeUnknownError).data.map((d) => Buffer.from(d).toString())).toEqual(['maybe']);
    expect(producer.commits).toBe(1);
    expect(await drain(consumer)).toEqual([]);
  });

  it('session changed but the chunk items are still there: found, not undecidable', async () => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const producer = faulty(
      client,
      [undefined, { kind: 'reply-lost', after: () => dropReceipts(client, '/q') }],
      { sessionAfterFault: 42n },
    );
    const items = Array.from({ length: 30 }, (_, i) => `${i}-${'x'.repeat(150)}`);
    const queue = new Queue(producer, '/q', { maxBatchBytes: 4_096 });
    // the second chunk's items are still there: found, so it is not undecidable
    const names = await queue.putMany(items);
    expect(names).toHaveLength(30);
    await using consumer = new Queue(client, '/q');
    expect(await drain(consumer)).toEqual(items);
  });

  it('concurrent puts share transactions (a uuid each, call order kept); a lost reply is recovered for all', async () => {
    const client = await newClient();
    await client.mkdirp('/q');
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using consumer = new Queue(other, '/q');
    // the second transaction (the puts issued while the first was in flight) loses its reply
    // after a consumer took one of its items
    const producer = faulty(client, [
      undefined,
      {
        kind: 'reply-lost',
        after: async () => {
          await consumer.take({ timeoutMs: 5_000 }); // 'first', written by the first transaction
          await consumer.take({ timeoutMs: 5_000 }); // '0'
        },
      },
    ]);
    const queue = new Queue(producer, '/q');
    const first = queue.put('first');
    await Promise.resolve(); // the first transaction is on its way
    const rest = Array.from({ length: 20 }, (_, i) => queue.put(String(i)));
    const names = [await first, ...(await Promise.all(rest))];
    expect(producer.commits).toBe(2);
    expect(new Set(names.map((n) => n.slice(6, 42))).size).toBe(21); // every put its own uuid
    const seqs = names.map((n) => Number(n.slice(-10)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await drain(consumer)).toEqual(Array.from({ length: 19 }, (_, i) => String(i + 1)));
  });

  it('a put too large for a transaction fails alone, the puts issued with it go through', async () => {
    const client = await newClient();
    const queue = new Queue(client, '/q', { maxBatchBytes: 4_096 });
    const puts = [queue.put('a'), queue.put(Buffer.alloc(8_000)), queue.put('b')];
    const settled = await Promise.allSettled(puts);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await using consumer = new Queue(client, '/q');
    expect(await drain(consumer)).toEqual(['a', 'b']);
  });

  it('protectedPuts: false surfaces the lost reply (a retry would duplicate)', async () => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const producer = faulty(client, [{ kind: 'reply-lost' }]);
    const queue = new Queue(producer, '/q', { protectedPuts: false });
    await expect(queue.putMany(['a'])).rejects.toBeInstanceOf(ConnectionLossError);
    await using consumer = new Queue(client, '/q');
    expect(await drain(consumer)).toEqual(['a']);
  });

  it('a PutManyError lists the chunks written before an undecidable one', async () => {
    const client = await newClient();
    await client.mkdirp('/q'); // the first transaction is the put itself
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using consumer = new Queue(other, '/q');
    const producer = faulty(
      client,
      [
        undefined,
        {
          kind: 'reply-lost',
          after: async () => {
            while ((await consumer.poll()) !== null) {} // everything is taken, chunk 2 included
            await dropReceipts(other, '/q');
          },
        },
      ],
      { sessionAfterFault: 42n },
    );
    const items = Array.from({ length: 30 }, (_, i) => `${i}-${'x'.repeat(150)}`);
    const err = await new Queue(producer, '/q', { maxBatchBytes: 4_096 })
      .putMany(items)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PutManyError);
    const created = (err as PutManyError).created;
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThan(30);
    expect((err as PutManyError).cause).toBeInstanceOf(PutOutcomeUnknownError);
  });
});
