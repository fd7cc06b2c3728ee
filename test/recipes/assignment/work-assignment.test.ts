import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../../src/index.js';
import { NotItemOwnerError } from '../../../recipes/assignment/not-item-owner-error.js';
import { type OwnedItem, WorkAssignment } from '../../../recipes/assignment/work-assignment.js';
import { addWorkItems, readWorkOwners, removeWorkItem } from '../../../recipes/assignment/work-items.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

const ITEMS = Array.from({ length: 50 }, (_, i) => `log-${String(i).padStart(2, '0')}`);

async function clients(n: number): Promise<ZooKeeperClient[]> {
  const first = await newClient();
  const cs = `${zkConnectString()}${first.chroot}`;
  return [
    first,
    ...(await Promise.all(Array.from({ length: n - 1 }, () => newClient({ connectString: cs })))),
  ];
}

function views(workers: WorkAssignment[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of workers)
    for (const a of w.assignments) out.set(a.item, [...(out.get(a.item) ?? []), w.workerId]);
  return out;
}

/** Every item owned exactly once, in ZooKeeper and in the workers' own views, and they agree. */
async function expectExactlyOnce(client: ZooKeeperClient, workers: WorkAssignment[], items = ITEMS) {
  const zk = await readWorkOwners(client, '/logs');
  expect([...zk.keys()].sort()).toEqual(items);
  const local = views(workers);
  for (const item of items) expect(local.get(item)).toEqual([zk.get(item)]);
  return zk;
}

function counts(owners: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of owners.values()) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

describe('WorkAssignment', () => {
  it('5 workers, 50 items: each owned once, 10 each; a joiner takes 8 and nothing else moves', async () => {
    const cs = await clients(6);
    await addWorkItems(cs[0]!, '/logs', ITEMS);
    const workers = cs.slice(0, 5).map((c, i) => new WorkAssignment(c, '/logs', { workerId: `w${i + 1}` }));
    await Promise.all(workers.map((w) => w.start({ timeoutMs: 10_000 })));
    const before = await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, workers);
      expect([...counts(owners).values()]).toEqual([10, 10, 10, 10, 10]);
      return owners;
    });

    // Record every item that any old worker loses, to prove only the joiner's share moves.
    const lost = new Set<string>();
    const subs = workers.map((w) => {
      let prev = new Set(w.assignments.map((a) => a.item));
      return w.assignments$.subscribe((list) => {
        const now = new Set(list.map((a) => a.item));
        for (const item of prev) if (!now.has(item)) lost.add(item);
        prev = now;
      });
    });
    const joiner = new WorkAssignment(cs[5]!, '/logs', { workerId: 'w6' });
    await joiner.start({ timeoutMs: 10_000 });
    const all = [...workers, joiner];
    const after = await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, all);
      expect(counts(owners).get('w6')).toBe(8);
      return owners;
    });
    const moved = ITEMS.filter((i) => before.get(i) !== after.get(i));
    expect(moved.every((i) => after.get(i) === 'w6')).toBe(true);
    expect(moved).toHaveLength(8);
    expect([...lost].sort()).toEqual(moved.sort());
    for (const c of counts(after).values()) expect([8, 9]).toContain(c);
    for (const s of subs) s.unsubscribe();
    await Promise.all(all.map((w) => w.close()));
    expect(await readWorkOwners(cs[0]!, '/logs')).toEqual(new Map());
  });

  it('a leaving worker hands over only its own items; its signals abort first', async () => {
    const cs = await clients(3);
    const items = ITEMS.slice(0, 12);
    await addWorkItems(cs[0]!, '/logs', items);
    const workers = cs.map((c, i) => new WorkAssignment(c, '/logs', { workerId: `w${i}` }));
    await Promise.all(workers.map((w) => w.start({ timeoutMs: 10_000 })));
    const before = await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, workers, items);
      expect([...counts(owners).values()]).toEqual([4, 4, 4]);
      return owners;
    });
    const leaving = workers[1]!;
    const signals: OwnedItem[] = [...leaving.assignments];
    await leaving.close();
    expect(signals.every((a) => a.signal.aborted)).toBe(true);
    expect(leaving.assignments).toEqual([]);
    const rest = [workers[0]!, workers[2]!];
    const after = await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, rest, items);
      expect([...counts(owners).values()]).toEqual([6, 6]);
      return owners;
    });
    for (const item of items) if (before.get(item) !== 'w1') expect(after.get(item)).toBe(before.get(item));
    await Promise.all(rest.map((w) => w.close()));
  });

  it('progress is fenced: the next owner reads it, the old owner can no longer write', async () => {
    const cs = await clients(2);
    await addWorkItems(cs[0]!, '/logs', ['only']);
    const a = new WorkAssignment(cs[0]!, '/logs', { workerId: 'a' });
    await a.start({ timeoutMs: 10_000 });
    await eventually(() => expect(a.assignments.map((x) => x.item)).toEqual(['only']));
    const epoch = a.assignments[0]!.epoch;
    const owned = a.assignments[0]!;
    await a.progress('only', 'offset=10');
    await a.progress('only', 'offset=20');
    await a.setCapacity(0);
    const b = new WorkAssignment(cs[1]!, '/logs', { workerId: 'b' });
    await b.start({ timeoutMs: 10_000 });
    await eventually(() => expect(b.assignments.map((x) => x.item)).toEqual(['only']));
    expect(b.assignments[0]!.epoch).toBeGreaterThan(epoch);
    expect(a.assignments).toEqual([]);
    expect(owned.signal.reason).toBeInstanceOf(NotItemOwnerError);
    expect((await b.readProgress('only'))?.toString()).toBe('offset=20');
    await expect(a.progress('only', 'offset=5')).rejects.toBeInstanceOf(NotItemOwnerError);
    await b.progress('only', 'offset=30');
    expect((await a.readProgress('only'))?.toString()).toBe('offset=30');
    await Promise.all([a.close(), b.close()]);
  });

  it('capacity weights the shares and new items are picked up', async () => {
    const cs = await clients(2);
    await addWorkItems(cs[0]!, '/logs', ITEMS.slice(0, 8));
    const big = new WorkAssignment(cs[0]!, '/logs', { workerId: 'big', capacity: 3 });
    const small = new WorkAssignment(cs[1]!, '/logs', { workerId: 'small', capacity: 1 });
    await Promise.all([big.start({ timeoutMs: 10_000 }), small.start({ timeoutMs: 10_000 })]);
    await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, [big, small], ITEMS.slice(0, 8));
      expect(counts(owners)).toEqual(
        new Map([
          ['big', 6],
          ['small', 2],
        ]),
      );
    });
    await addWorkItems(cs[0]!, '/logs', ITEMS.slice(8, 12));
    await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, [big, small], ITEMS.slice(0, 12));
      expect(counts(owners).get('big')).toBe(9);
    });
    await Promise.all([big.close(), small.close()]);
  });
});

describe('WorkAssignment edge cases', () => {
  it("a user's edit of an item survives the claims and releases that move it (no stale data written back)", async () => {
    const cs = await clients(3);
    const names = ITEMS.slice(0, 4);
    await addWorkItems(cs[0]!, '/logs', names, { data: (i) => `${i}:v1` });
    const first = new WorkAssignment(cs[0]!, '/logs', { workerId: 'first' });
    // capacity 0: it reads every item now (its claims may go out without reading), takes none
    const second = new WorkAssignment(cs[1]!, '/logs', { workerId: 'second', capacity: 0 });
    await Promise.all([first.start({ timeoutMs: 10_000 }), second.start({ timeoutMs: 10_000 })]);
    await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, [first, second], names);
      expect(counts(owners)).toEqual(new Map([['first', 4]]));
    });
    // edited behind both workers' backs: first's fences and second's snapshots are stale now
    for (const item of names) await cs[2]!.setData(`/logs/items/${item}`, `${item}:v2`);
    await second.setCapacity(1);
    const moved = await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, [first, second], names);
      expect(counts(owners)).toEqual(
        new Map([
          ['first', 2],
          ['second', 2],
        ]),
      );
      return names.filter((i) => owners.get(i) === 'second');
    });
    for (const item of names) {
      const { data, stat } = await cs[2]!.getData(`/logs/items/${item}`);
      expect(data.toString()).toBe(`${item}:v2`);
      // v1 (0), the first claim (1), the edit (2), and for a moved item its new claim (3)
      expect(stat.version).toBe(moved.includes(item) ? 3 : 2);
    }
    for (const a of second.assignments) expect(a.epoch).toBe(3);
    await Promise.all([first.close(), second.close()]);
    expect(await readWorkOwners(cs[0]!, '/logs')).toEqual(new Map());
  });

  it('an owner node deleted by someone else stops the work at once; the item is claimed again with a new epoch', async () => {
    const [client] = await clients(1);
    await addWorkItems(client!, '/logs', ['x']);
    const w = new WorkAssignment(client!, '/logs', { workerId: 'solo' });
    await w.start({ timeoutMs: 10_000 });
    await eventually(() => expect(w.assignments).toHaveLength(1));
    const first = w.assignments[0]!;
    await client!.delete('/logs/items/x/owner');
    await eventually(() => expect(first.signal.aborted).toBe(true));
    await eventually(() => expect(w.assignments[0]?.epoch).toBeGreaterThan(first.epoch));
    await w.progress('x', 'ok');
    await w.close();
  });

  it('a removed item is dropped; bad options are rejected', async () => {
    const [client] = await clients(1);
    await addWorkItems(client!, '/logs', ['a', 'b']);
    const w = new WorkAssignment(client!, '/logs');
    await w.start({ timeoutMs: 10_000 });
    await eventually(() => expect(w.assignments).toHaveLength(2));
    const a = w.assignments.find((x) => x.item === 'a')!;
    await removeWorkItem(client!, '/logs', 'a');
    await eventually(() => expect(w.assignments.map((x) => x.item)).toEqual(['b']));
    expect(a.signal.aborted).toBe(true);
    await expect(w.progress('a', '1')).rejects.toBeInstanceOf(NotItemOwnerError);
    expect(() => new WorkAssignment(client!, '/logs', { capacity: -1 })).toThrow(RangeError);
    expect(() => new WorkAssignment(client!, 'relative')).toThrow(/invalid path/);
    await w.close();
  });
});

describe('WorkAssignment settleMs', () => {
  it('a rolling start within settleMs shuffles nothing: no worker ever gives an item up', async () => {
    const cs = await clients(3);
    await addWorkItems(cs[0]!, '/logs', ITEMS.slice(0, 30));
    const workers = cs.map((c, i) => new WorkAssignment(c, '/logs', { workerId: `r${i}`, settleMs: 1000 }));
    const lost: string[] = [];
    const subs = workers.map((w) => {
      let prev = new Set<string>();
      return w.assignments$.subscribe((list) => {
        const now = new Set(list.map((a) => a.item));
        for (const item of prev) if (!now.has(item)) lost.push(`${w.workerId}:${item}`);
        prev = now;
      });
    });
    // A rolling start: each worker starts 100 ms after the previous one.
    for (const w of workers) {
      void w.start({ timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(async () => {
      const owners = await expectExactlyOnce(cs[0]!, workers, ITEMS.slice(0, 30));
      expect([...counts(owners).values()]).toEqual([10, 10, 10]);
    });
    expect(lost).toEqual([]);
    for (const s of subs) s.unsubscribe();
    await Promise.all(workers.map((w) => w.close()));
  });
});
