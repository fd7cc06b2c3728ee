import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Barrier, DoubleBarrier } from '../../recipes/barriers/index.js';
import type { ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { losingCreateReply, nextState, useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

/** Children of `path` as the leader has them (empty when it does not exist). */
async function children(c: ZooKeeperClient, path: string): Promise<string[]> {
  await c.sync(path).catch(() => {});
  return (await c.getChildren(path).catch(() => [])).sort();
}

describe('barriers under faults', () => {
  // One dedicated ensemble for the file: servers are killed, links cut, sessions expired. After
  // each test every fault is undone and the test's clients are closed.
  const zk = useDedicatedEnsemble({ size: 3, tickTimeMs: 250 }, { healAfterEach: true });
  const client = useFaultClients({ closeAfterEach: true });

  it('Barrier: waiters ride out the ensemble leader being killed and are released on remove', async () => {
    const { ensemble } = zk;
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
    const { ensemble } = zk;
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

  it('DoubleBarrier: an enter whose member create reply is lost reuses the node (no orphan, counted once)', async () => {
    const { ensemble } = zk;
    const path = `/chaos-barrier/${randomUUID()}`;
    const proxy = ensemble.proxy(0);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const observer = await client(ensemble.connectString);
    // the barrier node exists, so our member create is the request whose reply is cut
    await observer.create(path, '', { mode: 'container', createParents: true });
    const session = raw.sessionId;
    const suspended = nextState(raw, 'suspended');
    const a = losingCreateReply(raw, `${path}/a`, () => proxy.cut('server-to-client'));
    const entering = new DoubleBarrier(a, path, 2, { memberId: 'a' }).enter({ timeoutMs: 30_000 });
    // the server created our member node; the client never heard of it
    await eventually(async () => expect(await children(observer, path)).toEqual(['a']));
    const { stat: created } = await observer.getData(`${path}/a`);
    await suspended;
    const reconnected = nextState(raw, 'reconnected');
    proxy.heal();
    await reconnected;
    expect(raw.sessionId).toBe(session); // same session: the lost create's node is still ours
    // a alone is one member of two: the barrier is not open (the lost create counted once)
    expect(await children(observer, path)).toEqual(['a']);
    const b = await client(ensemble.connectString);
    await Promise.all([
      entering,
      new DoubleBarrier(b, path, 2, { memberId: 'b' }).enter({ timeoutMs: 30_000 }),
    ]);
    expect(await children(observer, path)).toEqual(['a', 'b', 'ready']);
    const { stat } = await observer.getData(`${path}/a`);
    expect(stat.czxid).toBe(created.czxid); // the node the lost reply created, reused (no orphan)
    expect(stat.ephemeralOwner).toBe(session);
  }, 90_000);
});
