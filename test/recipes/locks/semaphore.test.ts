import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ZooKeeperClient } from '../../../src/index.js';
import { type Lease, Semaphore, SemaphoreMismatchError } from '../../../recipes/locks/index.js';
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

describe('Semaphore', () => {
  it('hands out maxLeases leases with Curator V2 layout; the next waits for a release', async () => {
    const client = await newClient();
    const other = await peer(client);
    const sem = new Semaphore(client, '/sem/a', { maxLeases: 2 });
    const l1 = await sem.acquire();
    const l2 = await sem.acquire();
    expect(l1.path.startsWith('/sem/a/leases/_c_')).toBe(true);
    expect(l1.nodeName).toMatch(/-lease-\d{10}$/);
    expect((await client.getData('/sem/a')).data.toString()).toBe('2');
    expect(await sem.tryAcquire()).toBeNull();
    const waiting = new Semaphore(other, '/sem/a', { maxLeases: 2 }).acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await children(client, '/sem/a/leases')).toHaveLength(3));
    const parts = await sem.participants();
    expect(parts.filter((p) => p.role === 'holder').map((p) => p.path)).toEqual([l1.path, l2.path]);
    await l1.release();
    const l3 = await waiting;
    expect(l3.isHeld).toBe(true);
    await Promise.all([l2.release(), l3.release()]);
    expect(await children(client, '/sem/a/leases')).toEqual([]);
    await eventually(async () => expect(await children(client, '/sem/a/locks')).toEqual([]));
  });

  it('rejects a different maxLeases with SemaphoreMismatchError', async () => {
    const client = await newClient();
    const lease = await new Semaphore(client, '/sem/m', { maxLeases: 3 }).acquire();
    await expect(new Semaphore(client, '/sem/m', { maxLeases: 4 }).acquire()).rejects.toBeInstanceOf(
      SemaphoreMismatchError,
    );
    await lease.release();
    expect(() => new Semaphore(client, '/sem/m', { maxLeases: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Semaphore(client, '/sem/m', { maxLeases: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('timeout leaves no lease or lock node behind; acquireMany is all or nothing', async () => {
    const client = await newClient();
    const other = await peer(client);
    const sem = new Semaphore(client, '/sem/t', { maxLeases: 2 });
    const held = await sem.acquire();
    const err = await new Semaphore(other, '/sem/t', { maxLeases: 2 })
      .acquireMany(2, { timeoutMs: 500 })
      .catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('TimeoutError');
    await eventually(async () => expect(await children(client, '/sem/t/leases')).toEqual([held.nodeName]));
    await eventually(async () => expect(await children(client, '/sem/t/locks')).toEqual([]));
    await held.release();
    const both = await sem.acquireMany(2);
    expect(both).toHaveLength(2);
    await Promise.all(both.map((l) => l.release()));
  });

  it('never more than N holders: 8 sessions x 25 acquisitions, N = 3', async () => {
    const client = await newClient();
    const sessions = [client, ...(await Promise.all(Array.from({ length: 7 }, () => peer(client))))];
    let inside = 0;
    let maxInside = 0;
    let total = 0;
    await Promise.all(
      sessions.map(async (c) => {
        const sem = new Semaphore(c, '/sem/stress', { maxLeases: 3 });
        for (let i = 0; i < 25; i++) {
          await sem.withLease(async (_lost, lease: Lease) => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            expect(lease.isHeld).toBe(true);
            await c.sync('/sem/stress');
            total++;
            inside--;
          });
        }
      }),
    );
    expect(maxInside).toBeLessThanOrEqual(3);
    expect(total).toBe(200);
    expect(await children(client, '/sem/stress/leases')).toEqual([]);
  }, 120_000);
});
