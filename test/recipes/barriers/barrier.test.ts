import { describe, expect, it } from 'vitest';
import { Barrier, DoubleBarrier } from '../../../recipes/barriers/index.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { childrenOrNone, newClient, zkConnectString } from '../../support/zk.js';

async function peers(n: number): Promise<ZooKeeperClient[]> {
  const first = await newClient();
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
  );
  return [first, ...rest];
}

describe('Barrier', () => {
  it('waiters block while the barrier is set and all continue once it is removed', async () => {
    const [a, b, c] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const gate = new Barrier(a, '/gate/b1');
    await gate.set();
    await gate.set(); // idempotent
    expect(await gate.isSet()).toBe(true);
    let released = 0;
    const waits = [b, c].map((client) =>
      new Barrier(client, '/gate/b1').waitUntilRemoved({ timeoutMs: 10_000 }).then(() => released++),
    );
    await a.setData('/gate/b1', 'spurious change'); // a data event must not release anyone
    await expect(new Barrier(b, '/gate/b1').waitUntilRemoved({ timeoutMs: 300 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(released).toBe(0);
    await gate.remove();
    await Promise.all(waits);
    expect(released).toBe(2);
    await gate.remove(); // removing a removed barrier is fine
    await new Barrier(b, '/gate/b1').waitUntilRemoved({ timeoutMs: 1_000 }); // not set: at once
  });
});

describe('DoubleBarrier', () => {
  it('N clients enter together and leave together', async () => {
    const n = 5;
    const clients = await peers(n);
    const log: string[] = [];
    await Promise.all(
      clients.map(async (client, i) => {
        const barrier = new DoubleBarrier(client, '/db', n);
        if (i > 0) await new Promise((r) => setTimeout(r, i * 40)); // stagger arrivals
        await barrier.enter({ timeoutMs: 10_000 });
        log.push(`enter-${i}`);
        await new Promise((r) => setTimeout(r, (n - i) * 30)); // stagger departures
        log.push(`work-done-${i}`);
        await barrier.leave({ timeoutMs: 10_000 });
        log.push(`leave-${i}`);
      }),
    );
    const lastEnterIndex = Math.max(...log.map((e, i) => (e.startsWith('enter') ? i : -1)));
    const firstWorkDone = log.findIndex((e) => e.startsWith('work-done'));
    const lastWorkDone = Math.max(...log.map((e, i) => (e.startsWith('work-done') ? i : -1)));
    const firstLeave = log.findIndex((e) => e.startsWith('leave'));
    // Nobody entered before all had arrived (the slowest arrival entered before any finished) …
    expect(lastEnterIndex).toBeLessThan(firstWorkDone);
    // … and nobody left before everyone had finished its work.
    expect(firstLeave).toBeGreaterThan(lastWorkDone);
    expect(await childrenOrNone(clients[0] as ZooKeeperClient, '/db')).toEqual([]);
  });

  it('an enter that times out removes its node so it is not counted', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    await expect(new DoubleBarrier(a, '/db', 3).enter({ timeoutMs: 300 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const { eventually } = await import('../../support/zk.js');
    await eventually(async () => expect(await childrenOrNone(b, '/db')).toEqual([]));
  });

  it('oversubscribed: more members than the threshold all enter and all leave', async () => {
    const clients = await peers(4);
    const threshold = 3;
    let entered = 0;
    let allEntered: () => void = () => {};
    const rendezvous = new Promise<void>((resolve) => {
      allEntered = resolve;
    });
    await Promise.all(
      clients.map(async (client, i) => {
        const barrier = new DoubleBarrier(client, '/db', threshold);
        if (i === clients.length - 1) await new Promise((r) => setTimeout(r, 300)); // the late one
        await barrier.enter({ timeoutMs: 10_000 });
        if (++entered === clients.length) allEntered();
        await rendezvous; // Curator's testOverSubscribed: everyone is in before anyone leaves
        await barrier.leave({ timeoutMs: 10_000 });
      }),
    );
    expect(entered).toBe(4);
    expect(await childrenOrNone(clients[0] as ZooKeeperClient, '/db')).toEqual([]);
  });

  it('rejects bad arguments', async () => {
    const client = await newClient();
    expect(() => new DoubleBarrier(client, '/db', 0)).toThrow(RangeError);
    expect(() => new DoubleBarrier(client, '/db', 2, { memberId: 'ready' })).toThrow(RangeError);
  });
});
