import { describe, expect, it } from 'vitest';
import { DelayQueue, PriorityQueue, Queue } from '../../../recipes/queues/index.js';
import { InvalidArgumentError } from '../../../src/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

const text = (b: Buffer): string => b.toString('utf8');
const PROTECTED_FIFO = /^qn-_c_[0-9a-f-]{36}-\d{10}$/;
const sequenceOf = (name: string): number => Number(name.slice(-10));

describe('Queue (FIFO, at most once)', () => {
  it('delivers in put order with protected qn-_c_<uuid>- names (one uuid per put / putMany multi)', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    const names = [await queue.put('a'), await queue.put('b'), ...(await queue.putMany(['c', 'd']))];
    for (const name of names) expect(name).toMatch(PROTECTED_FIFO);
    const uuids = names.map((n) => n.slice(6, 42));
    expect(new Set(uuids).size).toBe(3);
    expect(uuids[2]).toBe(uuids[3]);
    expect(await queue.size()).toBe(4);
    expect(text((await queue.peek())?.data ?? Buffer.alloc(0))).toBe('a');
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(text((await queue.take()).data));
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect(await queue.poll()).toBeNull();
    expect(await queue.size()).toBe(0);
  });

  it('a waiting take wakes on the children watch when an item arrives', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    const pending = queue.take({ timeoutMs: 10_000 });
    await new Queue(client, '/q').put('late');
    expect(text((await pending).data)).toBe('late');
  });

  it('take rejects with a TimeoutError after timeoutMs and with the reason on abort', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    await expect(queue.take({ timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    const pending = queue.take({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await queue.close();
    await expect(queue.take()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('putMany splits into atomic multis under the byte budget and keeps the order', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q', { maxBatchBytes: 4_096 });
    const items = Array.from({ length: 120 }, (_, i) => `item-${i}-${'x'.repeat(100)}`);
    const names = await queue.putMany(items);
    expect(names).toHaveLength(120);
    const seqs = names.map(sequenceOf);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const got: string[] = [];
    for (let i = 0; i < items.length; i++) got.push(text((await queue.take()).data));
    expect(got).toEqual(items);
    await expect(queue.putMany([Buffer.alloc(8_000)])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('large items: putMany splits them, takes prefetch only what fits one reply', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    const items = Array.from({ length: 6 }, (_, i) => Buffer.alloc(300_000, i));
    expect(await queue.putMany(items)).toHaveLength(6);
    for (let i = 0; i < items.length; i++) {
      const { data } = await queue.take({ timeoutMs: 10_000 });
      expect(data.length).toBe(300_000);
      expect(data[0]).toBe(i);
    }
  });

  it('two consumers share 300 items: each delivered exactly once', async () => {
    const client = await newClient();
    const c2 = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    const producer = new Queue(client, '/q');
    await producer.putMany(Array.from({ length: 300 }, (_, i) => String(i)));
    const seen: string[] = [];
    const consume = async (queue: Queue): Promise<void> => {
      for (;;) {
        const item = await queue.poll();
        if (!item) return;
        seen.push(text(item.data));
      }
    };
    await Promise.all([consume(new Queue(client, '/q')), consume(new Queue(c2, '/q'))]);
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });

  it('a consumer survives its queue node being removed (container reaped) while it waits', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    // a plain put leaves no receipt, so /q is empty once 'x' is taken (a protected put's receipt
    // is deleted in the background and could still be there: a container is never reaped then)
    await new Queue(client, '/q', { protectedPuts: false }).put('x');
    await queue.take();
    const pending = queue.take({ timeoutMs: 10_000 });
    pending.catch(() => {}); // awaited below; no unhandled rejection if delete throws first
    await client.delete('/q');
    await new Queue(client, '/q').put('after');
    expect(text((await pending).data)).toBe('after');
  });
});

describe('Queue: protected puts and older names', () => {
  it('protectedPuts: false writes plain Curator qn- names; both kinds are taken in sequence order', async () => {
    const client = await newClient();
    const plain = new Queue(client, '/q', { protectedPuts: false });
    await using queue = new Queue(client, '/q');
    const names = [
      await plain.put('1'),
      await queue.put('2'),
      (await client.create('/q/qn-', '3', { mode: 'persistent-sequential' })).path.slice(3), // Curator / older versions
      ...(await plain.putMany(['4', '5'])),
      ...(await queue.putMany(['6'])),
    ];
    expect(names.map((n) => PROTECTED_FIFO.test(n))).toEqual([false, true, false, false, false, true]);
    expect(names[0]).toMatch(/^qn-\d{10}$/);
    expect(names.map(sequenceOf)).toEqual([...names.map(sequenceOf)].sort((a, b) => a - b));
    expect(await queue.size()).toBe(6);
    const got: string[] = [];
    for (let item = await queue.poll(); item; item = await queue.poll()) got.push(text(item.data));
    expect(got).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('a putMany multi gets consecutive sequences; no receipt is left once the producer is idle', async () => {
    const client = await newClient();
    await using queue = new Queue(client, '/q');
    const observer = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    const names = await queue.putMany(['a', 'b', 'c']);
    const uuid = (names[0] as string).slice(6, 42);
    // consecutive sequences: the multi's creates were applied together, in order
    expect(names.map(sequenceOf)).toEqual([0, 1, 2].map((i) => sequenceOf(names[0] as string) + i));
    await eventually(async () => {
      await observer.sync('/q');
      expect((await observer.getChildren('/q')).sort()).toEqual([...names].sort());
    });
    expect(await queue.size()).toBe(3);
    // a long run of puts leaves no receipt behind either (each put deletes the previous one's)
    for (let i = 0; i < 20; i++) await queue.put(String(i));
    await eventually(async () => {
      await observer.sync('/q');
      const children = await observer.getChildren('/q');
      expect(children.filter((c) => c.startsWith('receipt-'))).toEqual([]);
      expect(children).toHaveLength(23);
    });
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('closing the producer client removes its receipts with its session (ephemeral)', async () => {
    const client = await newClient();
    const producer = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await new Queue(producer, '/q').put('x');
    await producer.close(); // before the background delete could run: the session takes it along
    await client.sync('/q');
    const children = await client.getChildren('/q');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(PROTECTED_FIFO);
  });
});

describe('PriorityQueue', () => {
  it('takes lower priority values first, FIFO within a priority', async () => {
    const client = await newClient();
    await using queue = new PriorityQueue(client, '/pq');
    await queue.put('low-1', { priority: 10 });
    await queue.putMany([
      { data: 'high', priority: -5 },
      { data: 'mid', priority: 0 },
      { data: 'low-2', priority: 10 },
    ]);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(text((await queue.take()).data));
    expect(got).toEqual(['high', 'mid', 'low-1', 'low-2']);
    await expect(queue.put('bad', { priority: 1.5 })).rejects.toBeInstanceOf(RangeError);
  });

  it('a new higher-priority item overtakes items a waiting consumer already knows', async () => {
    const client = await newClient();
    await using queue = new PriorityQueue(client, '/pq');
    await queue.put('normal', { priority: 5 });
    await queue.put('urgent', { priority: 1 });
    expect(text((await queue.take()).data)).toBe('urgent');
    await queue.put('urgent-2', { priority: 0 });
    expect(text((await queue.take()).data)).toBe('urgent-2');
    expect(text((await queue.take()).data)).toBe('normal');
  });
});

describe('DelayQueue', () => {
  it('hides an item until it is due; a waiting take wakes on the timer', async () => {
    const client = await newClient();
    await using queue = new DelayQueue(client, '/dq');
    const start = Date.now();
    await queue.put('later', { delayMs: 600 });
    await queue.put('now', { delayMs: 0 });
    expect(text((await queue.take()).data)).toBe('now');
    expect(await queue.poll()).toBeNull();
    const item = await queue.take({ timeoutMs: 10_000 });
    expect(text(item.data)).toBe('later');
    expect(Date.now() - start).toBeGreaterThanOrEqual(590);
    expect(await queue.size()).toBe(0);
  });

  it('an earlier item put while a consumer waits for a later one is taken first', async () => {
    const client = await newClient();
    await using queue = new DelayQueue(client, '/dq');
    await queue.put('in-a-minute', { delayMs: 60_000 });
    const pending = queue.take({ timeoutMs: 10_000 });
    await new DelayQueue(client, '/dq').put('soon', { delayMs: 100 });
    expect(text((await pending).data)).toBe('soon');
    expect(await queue.size()).toBe(1);
  });
});
