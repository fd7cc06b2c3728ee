import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Barrier, DoubleBarrier } from '../../recipes/barriers/index.js';
import { connect, type ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { Ensemble } from '../../src/testing/index.js';
import { eventually } from '../support/zk.js';

// One dedicated ensemble for the whole file: servers are killed, links cut, sessions expired.
let ensemble: Ensemble;
const clients: ZooKeeperClient[] = [];

beforeAll(async () => {
  ensemble = await Ensemble.start({ size: 3, tickTimeMs: 250 });
}, 120_000);

afterAll(async () => {
  await ensemble?.close();
});

afterEach(async () => {
  for (const p of ensemble.proxies) p.heal();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ensemble.waitForQuorum();
});

async function client(connectString: string, requestTimeoutMs = 20_000): Promise<ZooKeeperClient> {
  const c = await connect(connectString, { sessionTimeoutMs: 3000, requestTimeoutMs });
  clients.push(c);
  return c;
}

describe('barriers under faults', () => {
  it('Barrier: waiters ride out the ensemble leader being killed and are released on remove', async () => {
    const path = `/chaos-barrier/${randomUUID()}`;
    const owner = await client(ensemble.connectString);
    await new Barrier(owner, path).set();
    let released = 0;
    const waiters = await Promise.all([client(ensemble.connectString), client(ensemble.connectString)]);
    const waits = waiters.map((c) =>
      new Barrier(c, path).waitUntilRemoved({ timeoutMs: 60_000 }).then(() => released++),
    );
    const leader = await ensemble.leader();
    await ensemble.kill(leader as number);
    await ensemble.restart(leader as number);
    await ensemble.waitForQuorum();
    expect(released).toBe(0);
    await new Barrier(owner, path).remove();
    await Promise.all(waits);
    expect(released).toBe(2);
  }, 90_000);

  it('DoubleBarrier: a member whose session expires while entering re-joins, and all enter', async () => {
    const path = `/chaos-barrier/${randomUUID()}`;
    const a = await client(ensemble.connectString);
    const entering = new DoubleBarrier(a, path, 3, { memberId: 'a' }).enter({ timeoutMs: 60_000 });
    const observer = await client(ensemble.connectString);
    await eventually(async () => expect(await observer.getChildren(path).catch(() => [])).toEqual(['a']));
    const oldSession = a.sessionId;
    await expireSession(a, { connectString: ensemble.connectString });
    await eventually(() => expect(a.sessionId).not.toBe(oldSession), { timeoutMs: 20_000 });
    // The expired member's node is back, owned by its new session.
    await eventually(
      async () => {
        const { stat } = await observer.getData(`${path}/a`);
        expect(stat.ephemeralOwner).toBe(a.sessionId);
      },
      { timeoutMs: 20_000 },
    );
    const others = await Promise.all([client(ensemble.connectString), client(ensemble.connectString)]);
    await Promise.all([
      entering,
      ...others.map((c, i) =>
        new DoubleBarrier(c, path, 3, { memberId: `m${i}` }).enter({ timeoutMs: 30_000 }),
      ),
    ]);
    await observer.sync(path);
    expect((await observer.getChildren(path)).sort()).toEqual(['a', 'm0', 'm1', 'ready']);
  }, 90_000);

  it('DoubleBarrier: an enter after a create whose reply was lost reuses the node (no orphan, counted once)', async () => {
    const path = `/chaos-barrier/${randomUUID()}`;
    const observer = await client(ensemble.connectString);
    const a = await client(ensemble.connectString);
    // As if an earlier enter's create had reached the server and its reply had been lost.
    await a.create(`${path}/a`, undefined, { mode: 'ephemeral', createParents: 'container' });
    const b = await client(ensemble.connectString);
    await Promise.all([
      new DoubleBarrier(a, path, 2, { memberId: 'a' }).enter({ timeoutMs: 30_000 }),
      new DoubleBarrier(b, path, 2, { memberId: 'b' }).enter({ timeoutMs: 30_000 }),
    ]);
    await observer.sync(path);
    expect((await observer.getChildren(path)).sort()).toEqual(['a', 'b', 'ready']);
    const { stat } = await observer.getData(`${path}/a`);
    expect(stat.ephemeralOwner).toBe(a.sessionId);
  }, 90_000);
});
