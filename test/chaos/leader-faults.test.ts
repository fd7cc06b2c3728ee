import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLatch } from '../../recipes/leader/index.js';
import { connect, type ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { Ensemble } from '../../src/testing/index.js';
import { eventually } from '../support/zk.js';

// One dedicated ensemble for the whole file: these tests cut links, expire sessions, kill servers.
let ensemble: Ensemble;
const clients: ZooKeeperClient[] = [];
const latches: LeaderLatch[] = [];

beforeAll(async () => {
  ensemble = await Ensemble.start({ size: 3, tickTimeMs: 250 });
}, 120_000);

afterAll(async () => {
  await ensemble?.close();
});

afterEach(async () => {
  for (const p of ensemble.proxies) p.heal();
  await Promise.all(latches.splice(0).map((l) => l.close().catch(() => {})));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ensemble.waitForQuorum();
});

async function client(
  connectString: string,
  sessionTimeoutMs = 3000,
  requestTimeoutMs = 20_000,
): Promise<ZooKeeperClient> {
  const c = await connect(connectString, { sessionTimeoutMs, requestTimeoutMs });
  clients.push(c);
  return c;
}

/** Claims and releases of leadership, from every latch, on one clock. */
class LeadershipLog {
  readonly events: { id: string; leading: boolean; atMs: number }[] = [];

  watch(latch: LeaderLatch): LeaderLatch {
    latches.push(latch);
    latch.isLeader$.subscribe((leading) =>
      this.events.push({ id: latch.id, leading, atMs: performance.now() }),
    );
    return latch;
  }

  /** Throws if two participants ever believed they led at the same time. */
  assertNoOverlap(): void {
    let holder: string | undefined;
    for (const e of this.events) {
      if (e.leading) {
        if (holder !== undefined && holder !== e.id) {
          throw new Error(`${e.id} claimed while ${holder} still led: ${JSON.stringify(this.events)}`);
        }
        holder = e.id;
      } else if (holder === e.id) {
        holder = undefined;
      }
    }
  }

  claims(id: string): number {
    return this.events.filter((e) => e.id === id && e.leading).length;
  }
}

function soleLeader(all: LeaderLatch[]): LeaderLatch {
  const leading = all.filter((l) => l.isLeader);
  if (leading.length !== 1) throw new Error(`${leading.length} leaders`);
  return leading[0] as LeaderLatch;
}

describe('LeaderLatch under faults', () => {
  it('partitioned leader: it drops leadership before its session expires and another claims', async () => {
    const path = `/chaos-leader/${randomUUID()}`;
    const log = new LeadershipLog();
    const lc = await client(ensemble.proxiedConnectString);
    const leader = log.watch(new LeaderLatch(lc, path, { id: 'old' }));
    await leader.start();
    await leader.waitForLeadership({ timeoutMs: 10_000 });
    const followers = [
      log.watch(new LeaderLatch(await client(ensemble.connectString), path, { id: 'f1' })),
      log.watch(new LeaderLatch(await client(ensemble.connectString), path, { id: 'f2' })),
    ];
    for (const f of followers) await f.start();
    for (const p of ensemble.proxies) p.blackhole();
    await followers[0]?.waitForLeadership({ timeoutMs: 20_000 });
    log.assertNoOverlap();
    expect(leader.isLeader).toBe(false);
    for (const p of ensemble.proxies) p.heal();
    // After `lost` the old leader's client opens a new session and the latch queues again.
    await eventually(async () => expect((await leader.participants()).map((p) => p.id)).toContain('old'), {
      timeoutMs: 20_000,
    });
    expect(soleLeader([leader, ...followers]).id).toBe('f1');
    log.assertNoOverlap();
  }, 60_000);

  it('suspended leader: drops leadership at once and leads again after reconnecting in the same session', async () => {
    const path = `/chaos-leader/${randomUUID()}`;
    const log = new LeadershipLog();
    const lc = await client(ensemble.proxiedConnectString, 4000);
    const leader = log.watch(new LeaderLatch(lc, path, { id: 'leader' }));
    await leader.start();
    await leader.waitForLeadership({ timeoutMs: 10_000 });
    const follower = log.watch(
      new LeaderLatch(await client(ensemble.connectString), path, { id: 'follower' }),
    );
    await follower.start();
    const session = lc.sessionId;
    const suspended = new Promise<void>((resolve) => {
      const sub = lc.state$.subscribe((s) => {
        if (s === 'suspended') {
          queueMicrotask(() => sub.unsubscribe());
          resolve();
        }
      });
    });
    for (const p of ensemble.proxies) p.blackhole();
    await suspended;
    expect(leader.isLeader).toBe(false); // dropped on suspended, before the session could expire
    for (const p of ensemble.proxies) p.heal();
    await leader.waitForLeadership({ timeoutMs: 20_000 });
    expect(lc.sessionId).toBe(session); // same session: same node, still first in line
    expect(log.claims('follower')).toBe(0);
    expect(log.events.filter((e) => e.id === 'leader').map((e) => e.leading)).toEqual([
      false,
      true,
      false,
      true,
    ]);
    log.assertNoOverlap();
  }, 60_000);

  it('session expiry while leader: another takes over, the old one re-joins as follower', async () => {
    const path = `/chaos-leader/${randomUUID()}`;
    const log = new LeadershipLog();
    const lc = await client(ensemble.connectString);
    const old = log.watch(new LeaderLatch(lc, path, { id: 'old' }));
    await old.start();
    await old.waitForLeadership({ timeoutMs: 10_000 });
    const next = log.watch(new LeaderLatch(await client(ensemble.connectString), path, { id: 'next' }));
    await next.start();
    const oldSession = lc.sessionId;
    await expireSession(lc, { connectString: ensemble.connectString });
    await next.waitForLeadership({ timeoutMs: 20_000 });
    await eventually(() => expect(old.isLeader).toBe(false));
    await eventually(
      async () => expect((await next.participants()).map((p) => p.id)).toEqual(['next', 'old']),
      {
        timeoutMs: 20_000,
      },
    );
    expect(lc.sessionId).not.toBe(oldSession);
    expect(old.isLeader).toBe(false);
    // expireSession takes the session over from another connection: the old client may win it
    // back for a moment before the kill lands (suspended, then reconnected in the same session,
    // its node still first) and rightly lead again until the session ends. Every claim of 'old'
    // must come before the first claim of 'next', and no two may overlap.
    const firstNext = log.events.findIndex((e) => e.id === 'next' && e.leading);
    expect(firstNext).toBeGreaterThan(0);
    expect(log.events.slice(firstNext).some((e) => e.id === 'old' && e.leading)).toBe(false);
    expect(log.claims('old')).toBeGreaterThanOrEqual(1);
    log.assertNoOverlap();
  }, 60_000);

  it('the ensemble leader killed during contention: never two leaders, no orphan nodes', async () => {
    const path = `/chaos-leader/${randomUUID()}`;
    const log = new LeadershipLog();
    const all: LeaderLatch[] = [];
    for (let i = 0; i < 5; i++) {
      const latch = log.watch(
        new LeaderLatch(await client(ensemble.connectString, 4000), path, { id: `p${i}` }),
      );
      await latch.start();
      all.push(latch);
    }
    await all[0]?.waitForLeadership({ timeoutMs: 10_000 });
    const zkLeader = await ensemble.leader();
    expect(zkLeader).toBeDefined();
    await ensemble.kill(zkLeader as number);
    // Hand leadership around while the ensemble elects a new leader.
    await all[0]?.close();
    await all[1]?.waitForLeadership({ timeoutMs: 30_000 });
    await ensemble.restart(zkLeader as number);
    await ensemble.waitForQuorum();
    await all[1]?.close();
    await all[2]?.waitForLeadership({ timeoutMs: 30_000 });
    const observer = await client(ensemble.connectString);
    await eventually(async () => expect(await observer.getChildren(path)).toHaveLength(3), {
      timeoutMs: 20_000,
    });
    expect(soleLeader(all).id).toBe('p2');
    log.assertNoOverlap();
  }, 90_000);

  it('a create whose reply is lost leaves no orphan: the latch finds its node and leads', async () => {
    const path = `/chaos-leader/${randomUUID()}`;
    // The reply is swallowed on a link that stays up: the client gives up on it after requestTimeoutMs.
    const lc = await client(ensemble.proxiedConnectString, 3000, 3000);
    const observer = await client(ensemble.connectString);
    await observer.mkdirp(path);
    for (const p of ensemble.proxies) p.cut('server-to-client');
    const latch = new LeaderLatch(lc, path, { id: 'lost-reply' });
    latches.push(latch);
    const started = latch.start();
    await eventually(async () => expect(await observer.getChildren(path)).toHaveLength(1), {
      timeoutMs: 10_000,
    });
    for (const p of ensemble.proxies) p.heal();
    await started;
    await latch.waitForLeadership({ timeoutMs: 20_000 });
    await observer.sync(path);
    const children = await observer.getChildren(path);
    expect(children).toHaveLength(1);
    const { stat } = await observer.getData(`${path}/${children[0]}`);
    expect(stat.ephemeralOwner).toBe(lc.sessionId);
  }, 60_000);
});
