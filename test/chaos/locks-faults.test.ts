import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionLostError } from '../../recipes/internal/errors.js';
import { protectedCreate } from '../../recipes/internal/protected-create.js';
import { type LockHandle, Mutex, ReadWriteLock, Semaphore } from '../../recipes/locks/index.js';
import type { ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { losingCreateReply, nextState, useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

function base(): string {
  return `/chaos-locks/${randomUUID()}`;
}

async function children(c: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    await c.sync(path); // reads see other sessions' writes only after a sync
    return await c.getChildren(path);
  } catch {
    return [];
  }
}

describe('locks under faults', () => {
  // One dedicated ensemble for the file: these tests cut links and kill servers. After each
  // test every fault is undone and the test's clients are closed.
  const zk = useDedicatedEnsemble({ size: 3, tickTimeMs: 250 }, { healAfterEach: true });
  const client = useFaultClients({ closeAfterEach: true });

  it('session expiry while holding: lost fires, another contender gets the lock', async () => {
    const { ensemble } = zk;
    const path = base();
    const holderClient = await client(ensemble.proxiedConnectString);
    const other = await client(ensemble.connectString);
    const held = await new Mutex(holderClient, path).acquire();
    const statuses: string[] = [];
    held.status$.subscribe((st) => statuses.push(st));
    const lostReason = new Promise<unknown>((resolve) =>
      held.lost.addEventListener('abort', () => resolve(held.lost.reason), { once: true }),
    );
    const next = new Mutex(other, path).acquire({ timeoutMs: 30_000 });
    await eventually(async () => expect(await children(other, path)).toHaveLength(2));
    for (const p of ensemble.proxies) p.blackhole(); // partition the holder until its session expires
    const successor = await next;
    expect(successor.fencingToken.czxid > held.fencingToken.czxid).toBe(true);
    const reason = await lostReason;
    expect(reason).toBeInstanceOf(SessionLostError);
    expect(held.isHeld).toBe(false);
    expect(statuses).toEqual(['held', 'uncertain', 'lost']);
    for (const p of ensemble.proxies) p.heal();
    await holderClient.waitForConnection({ timeoutMs: 20_000 });
    expect(holderClient.sessionId).not.toBe(held.sessionId);
    await held.release(); // nothing left to delete: resolves
    expect(await children(other, path)).toEqual([successor.nodeName]);
    await successor.release();
  }, 60_000);

  it('an expired waiter re-queues in its new session and still gets the lock', async () => {
    const { ensemble } = zk;
    const path = base();
    const holderClient = await client(ensemble.connectString);
    const waiterClient = await client(ensemble.connectString);
    const held = await new Mutex(holderClient, path).acquire();
    const pending = new Mutex(waiterClient, path).acquire({ timeoutMs: 30_000 });
    await eventually(async () => expect(await children(holderClient, path)).toHaveLength(2));
    const oldSession = waiterClient.sessionId;
    const lost = nextState(waiterClient, 'lost');
    await expireSession(waiterClient, { connectString: ensemble.connectString });
    await lost;
    await eventually(async () => expect(await children(holderClient, path)).toHaveLength(2), {
      timeoutMs: 20_000,
    });
    await held.release();
    const lock = await pending;
    expect(lock.sessionId).not.toBe(oldSession);
    expect(lock.sessionId).toBe(waiterClient.sessionId);
    await lock.release();
    expect(await children(holderClient, path)).toEqual([]);
  }, 60_000);

  it('a semaphore lease whose session expires reports lost and frees its slot', async () => {
    const { ensemble } = zk;
    const path = base();
    const a = await client(ensemble.connectString);
    const b = await client(ensemble.connectString);
    const lease = await new Semaphore(a, path, { maxLeases: 1 }).acquire();
    const lostReason = new Promise<unknown>((resolve) => lease.lost$.subscribe((reason) => resolve(reason)));
    const next = new Semaphore(b, path, { maxLeases: 1 }).acquire({ timeoutMs: 30_000 });
    await expireSession(a, { connectString: ensemble.connectString });
    const other = await next;
    expect(await lostReason).toBeInstanceOf(SessionLostError);
    expect(other.isHeld).toBe(true);
    await lease.release();
    await other.release();
    expect(await children(b, `${path}/leases`)).toEqual([]);
  }, 60_000);

  it('with suspendedIsLost the holder is told before the server can hand the lock over', async () => {
    const { ensemble } = zk;
    const path = base();
    const holderClient = await client(ensemble.proxiedConnectString, { sessionTimeoutMs: 4000 });
    const other = await client(ensemble.connectString);
    const held = await new Mutex(holderClient, path, { suspendedIsLost: true }).acquire();
    let lostAt = 0;
    held.lost.addEventListener('abort', () => {
      lostAt = performance.now();
    });
    const next = new Mutex(other, path).acquire({ timeoutMs: 30_000 });
    await eventually(async () => expect(await children(other, path)).toHaveLength(2));
    for (const p of ensemble.proxies) p.blackhole();
    const successor = await next;
    const acquiredAt = performance.now();
    expect(lostAt).toBeGreaterThan(0);
    expect(lostAt).toBeLessThan(acquiredAt);
    expect((held.lost.reason as SessionLostError).reason).toBe('suspended');
    await successor.release();
  }, 60_000);

  it('a create whose reply is lost leaves no orphan and no deadlock', async () => {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(0);
    const c = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const observer = await client(ensemble.connectString);
    // the lock path exists (others use the lock), so our create is the first request that is cut
    await observer.create(path, '', { mode: 'container', createParents: true });
    const suspended = nextState(c, 'suspended');
    proxy.cut('server-to-client'); // the create reaches the server; its reply does not come back
    const pending = new Mutex(c, path).acquire({ timeoutMs: 30_000 });
    await eventually(async () => expect(await children(observer, path)).toHaveLength(1));
    await suspended;
    proxy.heal();
    const lock = await pending;
    expect(c.sessionId).toBe(lock.sessionId); // same session: the node was found and reused
    expect(await children(observer, path)).toEqual([lock.nodeName]);
    await lock.release();
    expect(await children(observer, path)).toEqual([]);
    // and the lock is free for others
    const again = await new Mutex(observer, path).acquire({ timeoutMs: 5_000 });
    await again.release();
  }, 60_000);

  it('a semaphore lease create whose reply is lost leaves no orphan', async () => {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(0);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const observer = await client(ensemble.connectString);
    await observer.create(`${path}/leases`, '', { mode: 'container', createParents: true });
    const suspended = nextState(raw, 'suspended');
    const c = losingCreateReply(raw, '/leases/', () => proxy.cut('server-to-client'));
    const pending = new Semaphore(c, path, { maxLeases: 2 }).acquire({ timeoutMs: 30_000 });
    // the server created the lease node; the client does not know its name yet
    await eventually(async () => expect(await children(observer, `${path}/leases`)).toHaveLength(1));
    await suspended;
    proxy.heal();
    const lease = await pending;
    expect(await children(observer, `${path}/leases`)).toEqual([lease.nodeName]);
    await lease.release();
    expect(await children(observer, `${path}/leases`)).toEqual([]);
    await eventually(async () => expect(await children(observer, `${path}/locks`)).toEqual([]));
  }, 60_000);

  it('a write-lock create whose reply is lost leaves no orphan and blocks no reader', async () => {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(1);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const observer = await client(ensemble.connectString);
    await observer.create(path, '', { mode: 'container', createParents: true });
    const suspended = nextState(raw, 'suspended');
    const c = losingCreateReply(raw, '__WRIT__', () => proxy.cut('server-to-client'));
    const pending = new ReadWriteLock(c, path).writeLock.acquire({ timeoutMs: 30_000 });
    await eventually(async () => expect(await children(observer, path)).toHaveLength(1));
    await suspended;
    proxy.heal();
    const w = await pending;
    expect(await children(observer, path)).toEqual([w.nodeName]);
    await w.release();
    const r = await new ReadWriteLock(observer, path).readLock.acquire({ timeoutMs: 5_000 });
    await r.release();
    expect(await children(observer, path)).toEqual([]);
  }, 60_000);

  it('protectedCreate recovers a persistent-sequential node whose reply was lost', async () => {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(1);
    const c = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const observer = await client(ensemble.connectString);
    await observer.mkdirp(path);
    const suspended = nextState(c, 'suspended');
    proxy.cut('server-to-client');
    const pending = protectedCreate(c, path, 'item-', { mode: 'persistent-sequential', data: 'x' });
    await eventually(async () => expect(await children(observer, path)).toHaveLength(1));
    await suspended;
    proxy.heal();
    const node = await pending;
    expect(await children(observer, path)).toEqual([node.name]);
  }, 60_000);

  it('an acquire aborted while disconnected deletes its node once the link is back', async () => {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(2);
    const holder = await client(ensemble.connectString);
    const c = await client(proxy.connectString, { sessionTimeoutMs: 6000 });
    const held = await new Mutex(holder, path).acquire();
    const controller = new AbortController();
    const pending = new Mutex(c, path).acquire({ signal: controller.signal });
    await eventually(async () => expect(await children(holder, path)).toHaveLength(2));
    const suspended = nextState(c, 'suspended');
    proxy.blackhole();
    await suspended;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    proxy.heal();
    await eventually(async () => expect(await children(holder, path)).toEqual([held.nodeName]), {
      timeoutMs: 20_000,
    });
    await held.release();
  }, 60_000);

  it('an aborted waiter leaves no watch behind on any server', async () => {
    const { ensemble } = zk;
    const path = base();
    const holder = await client(ensemble.connectString);
    const waiter = await client(ensemble.connectString);
    const held = await new Mutex(holder, path).acquire();
    const controller = new AbortController();
    const pending = new Mutex(waiter, path).acquire({ signal: controller.signal });
    const watched = async () =>
      (await Promise.all(ensemble.servers.map((s) => ensemble.fourLetterWord(s.index, 'wchp')))).join('\n');
    await eventually(async () => expect(await watched()).toContain(held.path));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(async () => expect(await watched()).not.toContain(held.path));
    await eventually(async () => expect(await children(holder, path)).toEqual([held.nodeName]));
    await held.release();
  }, 60_000);

  it('killing the leader during contention keeps one holder at a time and loses nobody', async () => {
    const { ensemble } = zk;
    const path = base();
    const sessions = await Promise.all(
      Array.from({ length: 5 }, () => client(ensemble.connectString, { sessionTimeoutMs: 6000 })),
    );
    let holders = 0;
    let maxHolders = 0;
    let done = 0;
    const leader = await ensemble.leader();
    expect(leader).toBeDefined();
    let killed = false;
    const runs = sessions.map(async (c) => {
      const mutex = new Mutex(c, path);
      for (let i = 0; i < 10; i++) {
        const lock: LockHandle = await mutex.acquire({ timeoutMs: 40_000 });
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        if (!killed && done >= 10) {
          killed = true;
          await ensemble.kill(leader as number);
        }
        if (!lock.lost.aborted) await c.sync(path).catch(() => {});
        holders--;
        done++;
        await lock.release();
      }
    });
    await Promise.all(runs);
    expect(killed).toBe(true);
    expect(maxHolders).toBe(1);
    expect(done).toBe(50);
    await ensemble.start(leader as number);
    await eventually(async () => expect(await children(sessions[0] as ZooKeeperClient, path)).toEqual([]));
  }, 120_000);
});
