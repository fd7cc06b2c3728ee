import { afterAll, describe, expect, it } from 'vitest';
import { connect, type ZooKeeperClient } from '../../src/index.js';
import { FaultProxy } from '../../src/testing/index.js';
import { WorkAssignment } from '../../recipes/assignment/work-assignment.js';
import { addWorkItems, readWorkOwners } from '../../recipes/assignment/work-items.js';
import { useDedicatedEnsemble } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

const SESSION_MS = 3000;
const ITEMS = Array.from({ length: 40 }, (_, i) => `p-${String(i).padStart(2, '0')}`);

/** mulberry32: reproducible random choices (override with PARTITION_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WorkAssignment under random partitions (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('short and long partitions of single workers: never two owners, always converges', async () => {
    const { ensemble } = zk;
    const rnd = prng(Number(process.env.PARTITION_SEED ?? 7));
    const root = `/parts-${Date.now()}`;
    const admin = await connect(ensemble.connectString, { sessionTimeoutMs: SESSION_MS });
    cleanup.push(() => admin.close());
    await addWorkItems(admin, root, ITEMS);

    // Each worker has its own proxy (to one server), so it can be cut off alone.
    const proxies: FaultProxy[] = [];
    const clients: ZooKeeperClient[] = [];
    for (let i = 0; i < 4; i++) {
      const server = ensemble.servers[i % 3]!;
      const proxy = await FaultProxy.start({ targetHost: server.host, targetPort: server.port });
      cleanup.push(() => proxy.close());
      const client = await connect(proxy.connectString, {
        sessionTimeoutMs: SESSION_MS,
        requestTimeoutMs: 20_000,
      });
      cleanup.push(() => client.close());
      proxies.push(proxy);
      clients.push(client);
    }
    const workers = clients.map((c, i) => new WorkAssignment(c, root, { workerId: `p${i}` }));
    const views = new Map<string, Set<string>>();
    const violations: string[] = [];
    for (const w of workers) {
      w.assignments$.subscribe((list) => {
        const mine = new Set(list.map((a) => a.item));
        views.set(w.workerId, mine);
        for (const [other, theirs] of views) {
          if (other !== w.workerId)
            for (const i of mine) if (theirs.has(i)) violations.push(`${i}: ${w.workerId}/${other}`);
        }
      });
    }
    await Promise.all(workers.map((w) => w.start({ timeoutMs: 15_000 })));

    const converged = () =>
      eventually(
        async () => {
          const owners = await readWorkOwners(admin, root);
          expect([...owners.keys()].sort()).toEqual(ITEMS);
          const counts = new Map<string, number>();
          for (const w of owners.values()) counts.set(w, (counts.get(w) ?? 0) + 1);
          expect([...counts.values()]).toEqual([10, 10, 10, 10]);
          for (const w of workers) {
            const mine = [...owners].filter(([, o]) => o === w.workerId).map(([i]) => i);
            expect(w.assignments.map((a) => a.item)).toEqual(mine);
          }
        },
        { timeoutMs: 25_000, intervalMs: 100 },
      );
    await converged();
    for (let round = 0; round < 5; round++) {
      const victim = Math.floor(rnd() * workers.length);
      const long = rnd() < 0.5;
      proxies[victim]!.blackhole();
      if (long) {
        // Past the session timeout: the victim's session expires; the others take its items.
        await eventually(
          async () => {
            const owners = await readWorkOwners(admin, root);
            expect([...owners.values()].includes(`p${victim}`)).toBe(false);
            expect(owners.size).toBe(ITEMS.length);
          },
          { timeoutMs: SESSION_MS * 4, intervalMs: 100 },
        );
      } else {
        await eventually(() => expect(workers[victim]!.assignments).toEqual([]), { timeoutMs: SESSION_MS });
      }
      proxies[victim]!.heal();
      await converged();
    }
    expect(violations).toEqual([]);
    await Promise.all(workers.map((w) => w.close()));
  }, 180_000);
});
