import { describe, expect, it } from 'vitest';
import { LockingQueue } from '../../../recipes/queues/index.js';
import { childrenOrNone, newClient, zkConnectString } from '../../support/zk.js';

const text = (b: Buffer): string => b.toString('utf8');

describe('LockingQueue', () => {
  it('take locks an item (kazoo layout); complete removes item and lock in one transaction', async () => {
    const client = await newClient();
    await using queue = new LockingQueue(client, '/lq', { consumerId: 'worker-1' });
    await queue.putMany(['a', 'b']);
    const item = await queue.take();
    expect(text(item.data)).toBe('a');
    expect(item.name).toMatch(/^entry-100-_c_[0-9a-f-]{36}-\d{10}$/);
    const lock = await client.getData(`/lq/taken/${item.name}`);
    expect(text(lock.data)).toBe('worker-1');
    expect(lock.stat.ephemeralOwner).toBe(client.sessionId);
    await item.complete();
    await item.complete(); // idempotent
    expect(item.state).toBe('completed');
    expect(await childrenOrNone(client, '/lq/taken')).toEqual([]);
    expect(await queue.size()).toBe(1);
  });

  it('a locked item is skipped by other consumers; giveBack and dispose return it', async () => {
    const client = await newClient();
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using q1 = new LockingQueue(client, '/lq');
    await using q2 = new LockingQueue(other, '/lq');
    await q1.putMany(['a', 'b']);
    const first = await q1.take();
    const second = await q2.take();
    expect([text(first.data), text(second.data)]).toEqual(['a', 'b']);
    await expect(q2.take({ timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const waiting = q2.take({ timeoutMs: 10_000 });
    await first.giveBack();
    const again = await waiting;
    expect(text(again.data)).toBe('a');
    {
      await using _held = again; // disposed without complete: given back
    }
    expect(again.state).toBe('given-back');
    const third = await q1.take({ timeoutMs: 5_000 });
    expect(text(third.data)).toBe('a');
    await third.complete();
    await second.complete();
    expect(await q1.size()).toBe(0);
  });

  it('items held by a consumer whose client closes go back to the queue', async () => {
    const client = await newClient();
    const dying = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await using survivor = new LockingQueue(client, '/lq');
    await survivor.putMany(['x', 'y']);
    const doomed = new LockingQueue(dying, '/lq');
    const held = [await doomed.take(), await doomed.take()];
    expect(held.map((h) => text(h.data))).toEqual(['x', 'y']);
    const waiting = survivor.take({ timeoutMs: 10_000 });
    await dying.close();
    // Both come back, each once. Not necessarily x first: the server deletes a closed session's
    // ephemeral nodes one by one (in no set order), and a waiting consumer can act on the first
    // deletion it hears of; a CI run once saw it take y first.
    const back = [text((await waiting).data), text((await survivor.take({ timeoutMs: 5_000 })).data)];
    expect(back.sort()).toEqual(['x', 'y']);
  });

  it('priorities 0-999, lower first; out-of-range priorities are rejected', async () => {
    const client = await newClient();
    await using queue = new LockingQueue(client, '/lq');
    await queue.put('normal');
    await queue.put('urgent', { priority: 1 });
    await queue.putMany([{ data: 'lazy', priority: 999 }]);
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const item = await queue.take();
      order.push(text(item.data));
      await item.complete();
    }
    expect(order).toEqual(['urgent', 'normal', 'lazy']);
    await expect(queue.put('bad', { priority: 1000 })).rejects.toBeInstanceOf(RangeError);
  });

  it('kazoo plain entry names (protectedPuts: false) and protected ones are taken by priority, then sequence', async () => {
    const client = await newClient();
    await using queue = new LockingQueue(client, '/lq');
    const kazoo = new LockingQueue(client, '/lq', { protectedPuts: false });
    expect(await kazoo.put('k-100')).toMatch(/^entry-100-\d{10}$/);
    await queue.put('p-100');
    await client.create('/lq/entries/entry-050-', 'raw-050', { mode: 'persistent-sequential' });
    await queue.putMany([{ data: 'p-050', priority: 50 }, 'p-100-b']);
    await kazoo.putMany([{ data: 'k-050', priority: 50 }]);
    expect(await queue.size()).toBe(6);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const item = await queue.take({ timeoutMs: 5_000 });
      order.push(text(item.data));
      await item.complete();
    }
    expect(order).toEqual(['raw-050', 'p-050', 'k-050', 'k-100', 'p-100', 'p-100-b']);
  });

  it('two consumers complete 200 items: each completed exactly once', async () => {
    const client = await newClient();
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await new LockingQueue(client, '/lq').putMany(Array.from({ length: 200 }, (_, i) => String(i)));
    const done: string[] = [];
    const consume = async (queue: LockingQueue): Promise<void> => {
      while ((await queue.size()) > 0) {
        const item = await queue.take({ timeoutMs: 2_000 }).catch(() => null);
        if (!item) continue;
        await item.complete();
        done.push(text(item.data));
      }
      await queue.close();
    };
    await Promise.all([consume(new LockingQueue(client, '/lq')), consume(new LockingQueue(other, '/lq'))]);
    expect(done).toHaveLength(200);
    expect(new Set(done).size).toBe(200);
  });
});
