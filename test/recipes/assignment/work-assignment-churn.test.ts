import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../../src/index.js';
import { targetCounts } from '../../../recipes/assignment/assignment-plan.js';
import { WorkAssignment } from '../../../recipes/assignment/work-assignment.js';
import { addWorkItems, readWorkOwners, removeWorkItem } from '../../../recipes/assignment/work-items.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

/** Small deterministic PRNG (mulberry32) so a failing sequence can be replayed. */
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

describe('WorkAssignment under churn', () => {
  it('random joins, leaves, capacity changes and item changes: always converges, never two owners', async () => {
    const seed = Number(process.env.CHURN_SEED ?? 20261127);
    const rnd = prng(seed);
    const first = await newClient();
    const cs = `${zkConnectString()}${first.chroot}`;
    const pool: ZooKeeperClient[] = [
      first,
      ...(await Promise.all(Array.from({ length: 5 }, () => newClient({ connectString: cs })))),
    ];
    let items = Array.from({ length: 30 }, (_, i) => `it-${i}`);
    await addWorkItems(first, '/w', items);
    const live = new Map<number, WorkAssignment>();
    const capacity = new Map<number, number>();
    const views = new Map<string, Set<string>>();
    const violations: string[] = [];
    let nextItem = 30;

    const startWorker = async (slot: number) => {
      const cap = 1 + Math.floor(rnd() * 3);
      const w = new WorkAssignment(pool[slot]!, '/w', { workerId: `s${slot}-${nextItem++}`, capacity: cap });
      w.assignments$.subscribe((list) => {
        const mine = new Set(list.map((a) => a.item));
        views.set(w.workerId, mine);
        for (const [other, theirs] of views) {
          if (other !== w.workerId)
            for (const i of mine) if (theirs.has(i)) violations.push(`${i}: ${w.workerId}/${other}`);
        }
      });
      await w.start({ timeoutMs: 10_000 });
      live.set(slot, w);
      capacity.set(slot, cap);
    };
    for (const slot of [0, 1, 2]) await startWorker(slot);

    for (let step = 0; step < 12; step++) {
      const op = rnd();
      const free = [0, 1, 2, 3, 4, 5].filter((s) => !live.has(s));
      if (op < 0.3 && free.length > 0) {
        await startWorker(free[Math.floor(rnd() * free.length)]!);
      } else if (op < 0.5 && live.size > 1) {
        const slots = [...live.keys()];
        const slot = slots[Math.floor(rnd() * slots.length)]!;
        await live.get(slot)!.close();
        views.delete(live.get(slot)!.workerId);
        live.delete(slot);
      } else if (op < 0.7) {
        const slots = [...live.keys()];
        const slot = slots[Math.floor(rnd() * slots.length)]!;
        const cap = Math.floor(rnd() * 4);
        capacity.set(slot, cap);
        await live.get(slot)!.setCapacity(cap);
      } else if (op < 0.85) {
        const fresh = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => `it-${nextItem++}`);
        await addWorkItems(first, '/w', fresh);
        items = [...items, ...fresh];
      } else {
        const gone = items.filter(() => rnd() < 0.1);
        for (const g of gone) await removeWorkItem(first, '/w', g);
        items = items.filter((i) => !gone.includes(i));
      }
      const expected = targetCounts(
        new Map([...live].map(([slot, w]) => [w.workerId, capacity.get(slot)!])),
        items.length,
      );
      await eventually(
        async () => {
          const owners = await readWorkOwners(first, '/w');
          if (expected.size === 0) return expect(owners.size).toBe(0);
          expect([...owners.keys()].sort()).toEqual([...items].sort());
          const counts = new Map<string, number>();
          for (const w of owners.values()) counts.set(w, (counts.get(w) ?? 0) + 1);
          for (const [w, n] of expected) expect(Math.abs((counts.get(w) ?? 0) - n)).toBeLessThanOrEqual(1);
          for (const w of live.values()) {
            const mine = [...owners]
              .filter(([, o]) => o === w.workerId)
              .map(([i]) => i)
              .sort();
            expect(w.assignments.map((a) => a.item)).toEqual(mine);
          }
        },
        { timeoutMs: 15_000 },
      );
    }
    expect(violations).toEqual([]);
    await Promise.all([...live.values()].map((w) => w.close()));
  }, 120_000);
});
