import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../../src/index.js';
import { type LockHandle, ReadWriteLock } from '../../../recipes/locks/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

async function peer(client: ZooKeeperClient): Promise<ZooKeeperClient> {
  return newClient({ connectString: `${zkConnectString()}${client.chroot}` });
}

async function children(client: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    await client.sync(path); // reads see other sessions' writes only after a sync
    return await client.getChildren(path);
  } catch {
    return [];
  }
}

function settled(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void p.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}

describe('ReadWriteLock', () => {
  it('lets readers in together and uses Curator node names', async () => {
    const client = await newClient();
    const others = [await peer(client), await peer(client)];
    const readers = await Promise.all(
      [client, ...others].map((c) => new ReadWriteLock(c, '/rw/a').readLock.acquire({ timeoutMs: 10_000 })),
    );
    for (const r of readers) expect(r.nodeName).toMatch(/^_c_[0-9a-f-]{36}-__READ__\d{10}$/);
    const roles = (await new ReadWriteLock(client, '/rw/a').participants()).map((p) => [p.kind, p.role]);
    expect(roles).toEqual([
      ['read', 'holder'],
      ['read', 'holder'],
      ['read', 'holder'],
    ]);
    await Promise.all(readers.map((r) => r.release()));
    expect(await children(client, '/rw/a')).toEqual([]);
  });

  it('a writer is exclusive and waits for the readers ahead of it', async () => {
    const client = await newClient();
    const other = await peer(client);
    const rw = new ReadWriteLock(client, '/rw/b');
    const r1 = await rw.readLock.acquire();
    const r2 = await rw.readLock.acquire();
    const writer = new ReadWriteLock(other, '/rw/b').writeLock.acquire({ timeoutMs: 20_000 });
    const w = settled(writer);
    await eventually(async () => expect(await children(client, '/rw/b')).toHaveLength(3));
    const nodes = await rw.participants();
    expect(nodes.at(-1)).toMatchObject({ kind: 'write', role: 'waiter' });
    expect(nodes.at(-1)?.nodeName).toMatch(/-__WRIT__\d{10}$/);
    await r1.release();
    await client.sync('/rw/b');
    expect(w.done).toBe(false);
    await r2.release();
    const wh = await writer;
    expect(await rw.readLock.tryAcquire()).toBeNull();
    expect(await rw.writeLock.tryAcquire()).toBeNull();
    await wh.release();
    expect(await children(client, '/rw/b')).toEqual([]);
  });

  it('a reader behind a queued writer waits for it (fair, and no reader/writer deadlock: kazoo#649)', async () => {
    const client = await newClient();
    const [c2, c3] = [await peer(client), await peer(client)];
    const r1 = await new ReadWriteLock(client, '/rw/c').readLock.acquire();
    const writer = new ReadWriteLock(c2, '/rw/c').writeLock.acquire({ timeoutMs: 20_000 });
    await eventually(async () => expect(await children(client, '/rw/c')).toHaveLength(2));
    const reader2 = new ReadWriteLock(c3, '/rw/c').readLock.acquire({ timeoutMs: 20_000 });
    const r2state = settled(reader2);
    await eventually(async () => expect(await children(client, '/rw/c')).toHaveLength(3));
    const order: string[] = [];
    const wDone = writer.then(async (w) => {
      order.push('writer');
      await c2.sync('/rw/c');
      expect(r2state.done).toBe(false);
      await w.release();
    });
    const rDone = reader2.then(async (r) => {
      order.push('reader2');
      await r.release();
    });
    await r1.release();
    await Promise.all([wDone, rDone]);
    expect(order).toEqual(['writer', 'reader2']);
    expect(await children(client, '/rw/c')).toEqual([]);
  });

  it('downgrades write to read without letting a queued writer in', async () => {
    const client = await newClient();
    const other = await peer(client);
    const rw = new ReadWriteLock(client, '/rw/d');
    const w = await rw.writeLock.acquire();
    const otherWriter = new ReadWriteLock(other, '/rw/d').writeLock.acquire({ timeoutMs: 20_000 });
    const ow = settled(otherWriter);
    await eventually(async () => expect(await children(client, '/rw/d')).toHaveLength(2));
    const r: LockHandle = await rw.downgrade(w);
    expect(r.nodeName).toMatch(/-__READ__\d{10}$/);
    expect(r.fencingToken.sequence).toBe(w.fencingToken.sequence);
    await w.release();
    await other.sync('/rw/d');
    await client.sync('/rw/d');
    expect(ow.done).toBe(false);
    // readers may still join while we read
    const extra = await new ReadWriteLock(other, '/rw/d').readLock.tryAcquire();
    expect(extra).toBeNull(); // …but not past the queued writer (fair)
    await r.release();
    const w2 = await otherWriter;
    await w2.release();
    expect(await children(client, '/rw/d')).toEqual([]);
  });

  it('rejects downgrading a handle of another lock', async () => {
    const client = await newClient();
    const a = new ReadWriteLock(client, '/rw/e');
    const b = new ReadWriteLock(client, '/rw/f');
    const w = await a.writeLock.acquire();
    await expect(b.downgrade(w)).rejects.toThrow(/not a write lock handle/);
    const r = await a.readLock.acquire({ timeoutMs: 100 }).catch((e: unknown) => e);
    expect((r as DOMException).name).toBe('TimeoutError');
    await eventually(async () => expect(await children(client, '/rw/e')).toEqual([w.nodeName]));
    await w.release();
    expect(await children(client, '/rw/e')).toEqual([]);
  });

  it('readers share, writers exclude, under load (4 sessions)', async () => {
    const client = await newClient();
    const sessions = [client, await peer(client), await peer(client), await peer(client)];
    let readers = 0;
    let writers = 0;
    let violations = 0;
    let maxReaders = 0;
    await Promise.all(
      sessions.map(async (c, i) => {
        const rw = new ReadWriteLock(c, '/rw/load');
        for (let k = 0; k < 15; k++) {
          if ((k + i) % 3 === 0) {
            await rw.writeLock.withLock(async () => {
              writers++;
              if (writers > 1 || readers > 0) violations++;
              await new Promise((r) => setImmediate(r));
              writers--;
            });
          } else {
            await rw.readLock.withLock(async () => {
              readers++;
              maxReaders = Math.max(maxReaders, readers);
              if (writers > 0) violations++;
              await c.sync('/rw/load');
              readers--;
            });
          }
        }
      }),
    );
    expect(violations).toBe(0);
    expect(await children(client, '/rw/load')).toEqual([]);
  }, 60_000);
});
