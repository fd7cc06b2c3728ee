import { describe, expect, it } from 'vitest';
import { WorkAssignment } from '../../recipes/assignment/work-assignment.js';
import { addWorkItems, readWorkOwners } from '../../recipes/assignment/work-items.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

const ITEMS = Array.from({ length: 50 }, (_, i) => `src-${String(i).padStart(2, '0')}`);
const SESSION_MS = 3000;

/** Watches every worker's own view and records any moment where two workers hold one item. */
function monitorDoubleOwnership(workers: WorkAssignment[]) {
  const views = new Map<string, Set<string>>();
  const violations: string[] = [];
  const subs = workers.map((w) =>
    w.assignments$.subscribe((list) => {
      const mine = new Set(list.map((a) => a.item));
      views.set(w.workerId, mine);
      for (const [other, items] of views) {
        if (other === w.workerId) continue;
        for (const item of mine) if (items.has(item)) violations.push(`${item}: ${w.workerId} and ${other}`);
      }
    }),
  );
  return {
    violations,
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
}

function counts(owners: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of owners.values()) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

describe('WorkAssignment under session expiry (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS });

  it('a partitioned worker stops before anyone takes its items; they move within the session timeout; it rejoins after expiry', async () => {
    const { ensemble } = zk;
    const root = `/logs-${Date.now()}`;
    const admin = await client(ensemble.connectString);
    await addWorkItems(admin, root, ITEMS);
    // w1 goes through the fault proxies, the others connect directly.
    const victimClient = await client(ensemble.proxiedConnectString);
    const others = await Promise.all([2, 3, 4, 5].map(() => client(ensemble.connectString)));
    const victim = new WorkAssignment(victimClient, root, { workerId: 'w1' });
    const workers = [victim, ...others.map((c, i) => new WorkAssignment(c, root, { workerId: `w${i + 2}` }))];
    await Promise.all(workers.map((w) => w.start({ timeoutMs: 15_000 })));
    const monitor = monitorDoubleOwnership(workers);
    const before = await eventually(
      async () => {
        const owners = await readWorkOwners(admin, root);
        expect(owners.size).toBe(50);
        expect([...counts(owners).values()]).toEqual([10, 10, 10, 10, 10]);
        return owners;
      },
      { timeoutMs: 15_000 },
    );
    const victimItems = new Set(ITEMS.filter((i) => before.get(i) === 'w1'));
    const victimSignals = victim.assignments.map((a) => a.signal);
    expect(victimSignals).toHaveLength(10);

    // Timeline: when the victim stopped, and when anyone else first took one of its items.
    let victimStoppedAt = 0;
    let firstTakeoverAt = 0;
    const subs = [
      victim.assignments$.subscribe((l) => {
        if (l.length === 0 && victimStoppedAt === 0) victimStoppedAt = performance.now();
      }),
      ...workers.slice(1).map((w) =>
        w.assignments$.subscribe((l) => {
          if (firstTakeoverAt === 0 && l.some((a) => victimItems.has(a.item)))
            firstTakeoverAt = performance.now();
        }),
      ),
    ];

    const cutAt = performance.now();
    for (const p of ensemble.proxies) p.blackhole();
    const after = await eventually(
      async () => {
        const owners = await readWorkOwners(admin, root);
        expect(owners.size).toBe(50);
        expect(counts(owners).has('w1')).toBe(false);
        return owners;
      },
      { timeoutMs: SESSION_MS * 3, intervalMs: 100 },
    );
    const movedWithinMs = performance.now() - cutAt;
    expect(victimStoppedAt).toBeGreaterThan(0);
    expect(firstTakeoverAt).toBeGreaterThan(victimStoppedAt);
    expect(victimSignals.every((s) => s.aborted)).toBe(true);
    expect(victim.assignments).toEqual([]);
    // Only the victim's items moved, and every item is still owned exactly once.
    for (const item of ITEMS) if (!victimItems.has(item)) expect(after.get(item)).toBe(before.get(item));
    for (const c of counts(after).values()) expect([12, 13]).toContain(c);
    console.log(`[assignment-expiry] victim items re-owned ${Math.round(movedWithinMs)} ms after the cut`);

    // Heal: the victim's session has expired; it gets a new one, rejoins and takes a share back.
    for (const p of ensemble.proxies) p.heal();
    await eventually(
      async () => {
        const owners = await readWorkOwners(admin, root);
        expect(owners.size).toBe(50);
        expect([...counts(owners).values()].sort()).toEqual([10, 10, 10, 10, 10]);
        expect(victim.assignments).toHaveLength(10);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    for (const s of subs) s.unsubscribe();
    monitor.stop();
    expect(monitor.violations).toEqual([]);
    await Promise.all(workers.map((w) => w.close()));
  });

  it('a short partition pauses the worker; it resumes the same items with the same epochs, nothing moves', async () => {
    const { ensemble } = zk;
    const root = `/logs-short-${Date.now()}`;
    const admin = await client(ensemble.connectString);
    await addWorkItems(admin, root, ITEMS.slice(0, 20));
    const victimClient = await client(ensemble.proxiedConnectString);
    const other = await client(ensemble.connectString);
    const victim = new WorkAssignment(victimClient, root, { workerId: 'v' });
    const stable = new WorkAssignment(other, root, { workerId: 's' });
    await Promise.all([victim.start({ timeoutMs: 15_000 }), stable.start({ timeoutMs: 15_000 })]);
    const monitor = monitorDoubleOwnership([victim, stable]);
    const before = await eventually(async () => {
      const owners = await readWorkOwners(admin, root);
      expect([...counts(owners).values()]).toEqual([10, 10]);
      expect(victim.assignments).toHaveLength(10);
      return owners;
    });
    const epochs = new Map(victim.assignments.map((a) => [a.item, a.epoch]));
    const session = victimClient.sessionId;
    for (const p of ensemble.proxies) p.blackhole();
    await eventually(() => expect(victim.assignments).toEqual([]), { timeoutMs: SESSION_MS * 2 });
    for (const p of ensemble.proxies) p.heal();
    await eventually(() => expect(victim.assignments).toHaveLength(10), { timeoutMs: 15_000 });
    expect(victimClient.sessionId).toBe(session);
    expect(new Map(victim.assignments.map((a) => [a.item, a.epoch]))).toEqual(epochs);
    expect(victim.assignments.every((a) => !a.signal.aborted)).toBe(true);
    expect(await readWorkOwners(admin, root)).toEqual(before);
    await victim.progress(victim.assignments[0]!.item, 'after-resume');
    monitor.stop();
    expect(monitor.violations).toEqual([]);
    await Promise.all([victim.close(), stable.close()]);
  });

  it('killing the leader moves nothing and never gives an item two owners', async () => {
    const { ensemble } = zk;
    const root = `/logs-kill-${Date.now()}`;
    const admin = await client(ensemble.connectString);
    await addWorkItems(admin, root, ITEMS);
    const cs = await Promise.all([1, 2, 3, 4, 5].map(() => client(ensemble.connectString)));
    const workers = cs.map((c, i) => new WorkAssignment(c, root, { workerId: `k${i}` }));
    await Promise.all(workers.map((w) => w.start({ timeoutMs: 15_000 })));
    const monitor = monitorDoubleOwnership(workers);
    const before = await eventually(async () => {
      const owners = await readWorkOwners(admin, root);
      expect([...counts(owners).values()]).toEqual([10, 10, 10, 10, 10]);
      return owners;
    });
    const leader = await ensemble.leader();
    expect(leader).toBeDefined();
    await ensemble.kill(leader!);
    await ensemble.waitForQuorum({ timeoutMs: 30_000 });
    await eventually(
      async () => {
        expect(await readWorkOwners(admin, root)).toEqual(before);
        for (const w of workers) expect(w.assignments).toHaveLength(10);
      },
      { timeoutMs: 20_000 },
    );
    await ensemble.restart(leader!);
    monitor.stop();
    expect(monitor.violations).toEqual([]);
    await Promise.all(workers.map((w) => w.close()));
  });
});
