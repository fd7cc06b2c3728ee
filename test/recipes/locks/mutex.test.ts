import { describe, expect, it } from 'vitest';
import { ClientClosedError, InvalidArgumentError, type ZooKeeperClient } from '../../../src/index.js';
import { LockHandle, Mutex, revokeLock } from '../../../recipes/locks/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

const PROTECTED_LOCK = /^_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-lock-\d{10}$/;

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

describe('Mutex', () => {
  it('acquires, names its node like Curator, and releases (no node left)', async () => {
    const client = await newClient();
    const mutex = new Mutex(client, '/locks/a', { participantId: 'worker-1' });
    const lock = await mutex.acquire({ timeoutMs: 10_000 });
    expect(lock).toBeInstanceOf(LockHandle);
    expect(lock.nodeName).toMatch(PROTECTED_LOCK);
    expect(lock.isHeld).toBe(true);
    expect(lock.sessionId).toBe(client.sessionId);
    const { stat } = await client.getData(lock.path);
    expect(lock.fencingToken.czxid).toBe(stat.czxid);
    expect(lock.fencingToken.sequence).toBe(Number(lock.nodeName.slice(-10)));
    const [me, ...rest] = await mutex.participants();
    expect(rest).toEqual([]);
    expect(me).toMatchObject({
      role: 'holder',
      id: 'worker-1',
      sessionId: client.sessionId,
      path: lock.path,
    });
    const statuses: string[] = [];
    lock.status$.subscribe((st) => statuses.push(st));
    expect(lock.status).toBe('held');
    await lock.release();
    expect(lock.released).toBe(true);
    expect(statuses).toEqual(['held', 'released']);
    expect(await children(client, '/locks/a')).toEqual([]);
    await lock.release(); // idempotent
  });

  it('is fair: waiters get the lock in arrival order, one at a time', async () => {
    const client = await newClient();
    const clients = [client, await peer(client), await peer(client), await peer(client)];
    const first = await new Mutex(client, '/locks/fair').acquire();
    const order: number[] = [];
    const waiters: Promise<void>[] = [];
    for (const i of [1, 2, 3]) {
      waiters.push(
        (async () => {
          const handle = await new Mutex(clients[i] as ZooKeeperClient, '/locks/fair').acquire({
            timeoutMs: 20_000,
          });
          order.push(i);
          const holders = (await new Mutex(client, '/locks/fair').participants()).filter(
            (p) => p.role === 'holder',
          );
          expect(holders.map((h) => h.path)).toEqual([handle.path]);
          await handle.release();
        })(),
      );
      // the next waiter arrives only once this one is queued
      await eventually(async () => expect(await children(client, '/locks/fair')).toHaveLength(i + 1));
    }
    await first.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(await children(client, '/locks/fair')).toEqual([]);
  });

  it('tryAcquire returns null when held and leaves no node behind', async () => {
    const client = await newClient();
    const other = await peer(client);
    const held = await new Mutex(client, '/locks/try').tryAcquire();
    expect(held).not.toBeNull();
    expect(await new Mutex(other, '/locks/try').tryAcquire()).toBeNull();
    expect(await children(client, '/locks/try')).toHaveLength(1);
    await held?.release();
    const again = await new Mutex(other, '/locks/try').tryAcquire();
    expect(again?.isHeld).toBe(true);
    await again?.release();
  });

  it('timeout rejects with a TimeoutError and deletes our node', async () => {
    const client = await newClient();
    const other = await peer(client);
    const held = await new Mutex(client, '/locks/t').acquire();
    const err = await new Mutex(other, '/locks/t').acquire({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('TimeoutError');
    await eventually(async () => expect(await children(client, '/locks/t')).toEqual([held.nodeName]));
    await held.release();
  });

  it('abort rejects with signal.reason and deletes our node', async () => {
    const client = await newClient();
    const other = await peer(client);
    const held = await new Mutex(client, '/locks/ab').acquire();
    const controller = new AbortController();
    const pending = new Mutex(other, '/locks/ab').acquire({ signal: controller.signal });
    await eventually(async () => expect(await children(client, '/locks/ab')).toHaveLength(2));
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await eventually(async () => expect(await children(client, '/locks/ab')).toEqual([held.nodeName]));
    // an already-aborted signal creates nothing
    await expect(new Mutex(other, '/locks/ab').acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    await held.release();
    expect(await children(client, '/locks/ab')).toEqual([]);
  });

  it('withLock releases when fn throws and rethrows the same error', async () => {
    const client = await newClient();
    const mutex = new Mutex(client, '/locks/w');
    const boom = new Error('boom');
    let seen: AbortSignal | undefined;
    await expect(
      mutex.withLock(async (lost) => {
        seen = lost;
        expect(await children(client, '/locks/w')).toHaveLength(1);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(false);
    expect(await children(client, '/locks/w')).toEqual([]);
    expect(await mutex.withLock(() => 42)).toBe(42);
    expect(await children(client, '/locks/w')).toEqual([]);
  });

  it('await using releases; reenter() nests holds on one node', async () => {
    const client = await newClient();
    const mutex = new Mutex(client, '/locks/u');
    {
      await using outer = await mutex.acquire();
      {
        await using inner = outer.reenter();
        expect(inner.path).toBe(outer.path);
      }
      expect(await children(client, '/locks/u')).toEqual([outer.nodeName]);
      expect(outer.isHeld).toBe(true);
    }
    expect(await children(client, '/locks/u')).toEqual([]);
  });

  it('revokeLock asks the holder, who releases to the waiter', async () => {
    const client = await newClient();
    const other = await peer(client);
    const held = await new Mutex(client, '/locks/rv').acquire();
    held.revocationRequested$.subscribe(() => void held.release());
    const waiting = new Mutex(other, '/locks/rv').acquire({ timeoutMs: 10_000 });
    const [holder] = (await new Mutex(other, '/locks/rv').participants()).filter((p) => p.role === 'holder');
    expect(holder?.path).toBe(held.path);
    expect(await revokeLock(other, held.path)).toBe(true);
    const next = await waiting;
    expect(held.released).toBe(true);
    await next.release();
    expect(await revokeLock(other, held.path)).toBe(false);
  });

  it('sees a revocation written before it subscribed; reenter() after release throws', async () => {
    const client = await newClient();
    const held = await new Mutex(client, '/locks/rv2').acquire();
    expect(await revokeLock(client, held.path)).toBe(true);
    await new Promise<void>((resolve) => held.revocationRequested$.subscribe(() => resolve()));
    await held.release();
    expect(() => held.reenter()).toThrow(TypeError);
  });

  it('queues with plain Curator-style lock- nodes on the same path', async () => {
    const client = await newClient();
    const foreign = await client.create('/locks/mix/lock-', 'curator', {
      mode: 'ephemeral-sequential',
      createParents: true,
    });
    const pending = new Mutex(client, '/locks/mix').acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await children(client, '/locks/mix')).toHaveLength(2));
    const [first] = await new Mutex(client, '/locks/mix').participants();
    expect(first).toMatchObject({ role: 'holder', id: 'curator', path: foreign.path });
    await client.delete(foreign.path);
    await (await pending).release();
  });

  it('one release wakes exactly one of 20 waiters (no herd)', async () => {
    const client = await newClient();
    const clients = [await peer(client), await peer(client), await peer(client), await peer(client)];
    const holder = await new Mutex(client, '/locks/herd').acquire();
    const acquired: LockHandle[] = [];
    const waiters = Array.from({ length: 20 }, (_, i) =>
      new Mutex(clients[i % clients.length] as ZooKeeperClient, '/locks/herd').acquire().then((h) => {
        acquired.push(h);
        return h;
      }),
    );
    await eventually(async () => expect(await children(client, '/locks/herd')).toHaveLength(21));
    await Promise.all(clients.map((c) => c.sync('/locks/herd')));
    const before = clients.reduce((n, c) => n + c.stats().watchEvents, 0);
    await holder.release();
    await eventually(() => expect(acquired).toHaveLength(1));
    // a round trip on every session: any watch event triggered by the delete has been delivered
    await Promise.all(clients.map((c) => c.sync('/locks/herd')));
    const after = clients.reduce((n, c) => n + c.stats().watchEvents, 0);
    expect(after - before).toBe(1);
    expect(acquired).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      await eventually(() => expect(acquired.length).toBeGreaterThan(i));
      await (acquired[i] as LockHandle).release();
    }
    await Promise.all(waiters);
    expect(await children(client, '/locks/herd')).toEqual([]);
  });

  it('never has two holders: 8 sessions x 50 acquisitions', async () => {
    const client = await newClient();
    const sessions = [client, ...(await Promise.all(Array.from({ length: 7 }, () => peer(client))))];
    let holders = 0;
    let maxHolders = 0;
    let total = 0;
    let lastToken = -1n;
    await Promise.all(
      sessions.map(async (c) => {
        const mutex = new Mutex(c, '/locks/stress');
        for (let i = 0; i < 50; i++) {
          await mutex.withLock(async (_lost, handle) => {
            holders++;
            maxHolders = Math.max(maxHolders, holders);
            expect(handle.fencingToken.czxid > lastToken).toBe(true);
            lastToken = handle.fencingToken.czxid;
            await Promise.resolve();
            total++;
            holders--;
          });
        }
      }),
    );
    expect(maxHolders).toBe(1);
    expect(total).toBe(400);
    expect(await children(client, '/locks/stress')).toEqual([]);
  }, 120_000);

  it('a waiter whose client closes rejects with ClientClosedError; a closed client cannot acquire', async () => {
    const client = await newClient();
    const other = await peer(client);
    const held = await new Mutex(client, '/locks/cl').acquire();
    const pending = new Mutex(other, '/locks/cl').acquire();
    await eventually(async () => expect(await children(client, '/locks/cl')).toHaveLength(2));
    const outcome = pending.catch((e: unknown) => e); // handled before the close rejects it
    await other.close();
    expect(await outcome).toBeInstanceOf(ClientClosedError);
    await expect(new Mutex(other, '/locks/cl').acquire()).rejects.toBeInstanceOf(ClientClosedError);
    await eventually(async () => expect(await children(client, '/locks/cl')).toEqual([held.nodeName]));
    await held.release();
  });

  it('rejects bad input with typed errors', async () => {
    const client = await newClient();
    expect(() => new Mutex(client, 'relative')).toThrow(InvalidArgumentError);
    expect(() => new Mutex(client, '/a/')).toThrow(InvalidArgumentError);
    expect(() => new Mutex(client, '/')).toThrow(InvalidArgumentError);
    await expect(new Mutex(client, '/locks/x').acquire({ timeoutMs: -1 })).rejects.toThrow(RangeError);
    // longer than Node's longest timer: AbortSignal.timeout would abort at once
    await expect(new Mutex(client, '/locks/x').acquire({ timeoutMs: 2 ** 31 })).rejects.toThrow(RangeError);
    expect(await children(client, '/locks/x')).toEqual([]);
  });
});
