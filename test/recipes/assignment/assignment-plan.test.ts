import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAssignment, targetCounts } from '../../../recipes/assignment/assignment-plan.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => `item-${String(i).padStart(3, '0')}`);
const workers = (...ids: string[]) => new Map(ids.map((id) => [id, 1]));

function counts(plan: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of plan.values()) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

describe('targetCounts', () => {
  it('splits evenly with the remainder to the smallest ids', () => {
    expect([...targetCounts(workers('c', 'a', 'b'), 10)]).toEqual([
      ['a', 4],
      ['b', 3],
      ['c', 3],
    ]);
  });

  it('is proportional to capacity and ignores capacity 0', () => {
    const t = targetCounts(
      new Map([
        ['a', 3],
        ['b', 1],
        ['z', 0],
      ]),
      8,
    );
    expect(t.get('a')).toBe(6);
    expect(t.get('b')).toBe(2);
    expect(t.has('z')).toBe(false);
  });
});

describe('planAssignment', () => {
  it('assigns every item exactly once, balanced', () => {
    const plan = planAssignment({
      workers: workers('w1', 'w2', 'w3', 'w4', 'w5'),
      items: items(50),
      owners: new Map(),
    });
    expect(plan.size).toBe(50);
    expect([...counts(plan).values()]).toEqual([10, 10, 10, 10, 10]);
  });

  it('a joining worker takes only its share; nothing moves between old workers', () => {
    const before = planAssignment({
      workers: workers('w1', 'w2', 'w3', 'w4', 'w5'),
      items: items(50),
      owners: new Map(),
    });
    const after = planAssignment({
      workers: workers('w1', 'w2', 'w3', 'w4', 'w5', 'w6'),
      items: items(50),
      owners: before,
    });
    const moved = [...after].filter(([item, w]) => before.get(item) !== w);
    expect(moved.every(([, w]) => w === 'w6')).toBe(true);
    expect(moved.length).toBe(counts(after).get('w6'));
    expect(counts(after).get('w6')).toBe(8);
  });

  it('only the items of a dead worker move', () => {
    const before = planAssignment({
      workers: workers('w1', 'w2', 'w3', 'w4', 'w5'),
      items: items(50),
      owners: new Map(),
    });
    const after = planAssignment({
      workers: workers('w1', 'w2', 'w4', 'w5'),
      items: items(50),
      owners: before,
    });
    for (const [item, w] of before) if (w !== 'w3') expect(after.get(item)).toBe(w);
    expect([...after.values()].includes('w3')).toBe(false);
  });

  it('is stable: planning again from its own result changes nothing', () => {
    const first = planAssignment({ workers: workers('a', 'b', 'c'), items: items(17), owners: new Map() });
    expect(planAssignment({ workers: workers('a', 'b', 'c'), items: items(17), owners: first })).toEqual(
      first,
    );
  });

  it('returns an empty plan with no usable workers', () => {
    expect(planAssignment({ workers: new Map([['a', 0]]), items: items(3), owners: new Map() }).size).toBe(0);
  });

  it('property: complete, balanced, and sticky for owners within their share', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { minLength: 1 }),
        fc.integer({ min: 0, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.constantFrom('a', 'b', 'c', 'd', 'x'))),
        (ids, n, ownerList) => {
          const all = items(n);
          const owners = new Map(ownerList.filter(([i]) => i < n).map(([i, w]) => [all[i]!, w]));
          const plan = planAssignment({ workers: workers(...ids), items: all, owners });
          expect(plan.size).toBe(n);
          const c = counts(plan);
          const min = Math.floor(n / ids.length);
          for (const id of ids) {
            expect(c.get(id) ?? 0).toBeGreaterThanOrEqual(min);
            expect(c.get(id) ?? 0).toBeLessThanOrEqual(min + 1);
          }
          // minimal movement: an item moves only away from an owner that is dead or over its share
          const targets = targetCounts(workers(...ids), n);
          for (const [item, owner] of owners) {
            if (plan.get(item) !== owner && targets.has(owner)) {
              const kept = [...plan.values()].filter((w) => w === owner).length;
              expect(kept).toBe(targets.get(owner));
            }
          }
        },
      ),
    );
  });
});
