import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LatchClosedError, LeaderLatch } from '../../../recipes/leader/index.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

async function peers(n: number): Promise<ZooKeeperClient[]> {
  const first = await newClient();
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
  );
  return [first, ...rest];
}

/** Resolves with the latch that leads once exactly one of them does. */
async function soleLeader(latches: LeaderLatch[]): Promise<LeaderLatch> {
  return eventually(() => {
    const leaders = latches.filter((l) => l.isLeader);
    if (leaders.length !== 1) throw new Error(`${leaders.length} leaders`);
    return leaders[0] as LeaderLatch;
  });
}

describe('LeaderLatch', () => {
  it('exactly one of N leads, in start order; close hands over to the next', async () => {
    const clients = await peers(4);
    const latches = clients.map((c, i) => new LeaderLatch(c, '/election', { id: `p${i}` }));
    for (const latch of latches) await latch.start();
    await latches[0]?.waitForLeadership({ timeoutMs: 5_000 });
    for (let i = 0; i < latches.length; i++) {
      const leader = await soleLeader(latches.slice(i));
      expect(leader.id).toBe(`p${i}`);
      expect(await leader.leader()).toBe(`p${i}`);
      const participants = await leader.participants();
      expect(participants.map((p) => p.id)).toEqual(latches.slice(i).map((l) => l.id));
      expect(participants.filter((p) => p.isLeader).map((p) => p.id)).toEqual([`p${i}`]);
      await leader.close();
      expect(leader.isLeader).toBe(false);
    }
    await clients[0]?.sync('/election'); // the others deleted their nodes: sync before reading
    expect(await clients[0]?.getChildren('/election').catch(() => [])).toEqual([]);
  });

  it('uses Curator-compatible protected latch- nodes and exposes a fencing token', async () => {
    const client = await newClient();
    await using latch = new LeaderLatch(client, '/election', { id: 'solo' });
    await latch.start();
    await latch.waitForLeadership({ timeoutMs: 5_000 });
    const [node] = await client.getChildren('/election');
    expect(node).toMatch(/^_c_[0-9a-f-]{36}-latch-\d{10}$/);
    const { data, stat } = await client.getData(`/election/${node}`);
    expect(data.toString()).toBe('solo');
    expect(latch.fencingToken).toEqual({ path: `/election/${node}`, sequence: 0, czxid: stat.czxid });
    expect(stat.ephemeralOwner).toBe(client.sessionId);
  });

  it('close modes: notify-leader emits false, silent does not', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const notify = new LeaderLatch(a, '/e1');
    await notify.start();
    await notify.waitForLeadership({ timeoutMs: 5_000 });
    const notifyValues = firstValueFrom(notify.isLeader$.pipe(toArray()));
    await notify.close({ mode: 'notify-leader' });
    expect(await notifyValues).toEqual([true, false]);
    const silent = new LeaderLatch(b, '/e2');
    await silent.start();
    await silent.waitForLeadership({ timeoutMs: 5_000 });
    const silentValues = firstValueFrom(silent.isLeader$.pipe(toArray()));
    await silent.close({ mode: 'silent' });
    expect(await silentValues).toEqual([true]);
    expect(silent.isLeader).toBe(false);
    await silent.close(); // idempotent
  });

  it('waitForLeadership times out, honours abort, and rejects once closed', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    await using leader = new LeaderLatch(a, '/election');
    await leader.start();
    await leader.waitForLeadership({ timeoutMs: 5_000 });
    const follower = new LeaderLatch(b, '/election');
    await follower.start();
    await expect(follower.waitForLeadership({ timeoutMs: 200 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const controller = new AbortController();
    const waiting = follower.waitForLeadership({ signal: controller.signal });
    controller.abort(new Error('bye'));
    await expect(waiting).rejects.toThrow('bye');
    const pending = follower.waitForLeadership().catch((err: unknown) => err);
    await follower.close();
    expect(await pending).toBeInstanceOf(LatchClosedError);
    await expect(follower.waitForLeadership()).rejects.toBeInstanceOf(LatchClosedError);
    await a.sync('/election'); // another session: sync before reading what b deleted
    expect(await a.getChildren('/election')).toHaveLength(1);
  });

  it('a node deleted behind our back ends leadership and we queue again', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    await using first = new LeaderLatch(a, '/election', { id: 'first' });
    await first.start();
    await using second = new LeaderLatch(b, '/election', { id: 'second' });
    await second.start();
    await first.waitForLeadership({ timeoutMs: 5_000 });
    const [node] = (await a.getChildren('/election')).sort((x, y) =>
      x.slice(-10).localeCompare(y.slice(-10)),
    );
    await a.delete(`/election/${node}`);
    await second.waitForLeadership({ timeoutMs: 5_000 });
    expect(first.isLeader).toBe(false);
    await eventually(async () => expect(await a.getChildren('/election')).toHaveLength(2));
    expect(await second.leader()).toBe('second');
  });

  it('takeover delay: a successor waits after the leader session vanishes, a clean close hands over at once', async () => {
    const [a, b, c] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const delay = 800;
    const first = new LeaderLatch(a, '/election', { id: 'first', takeoverDelayMs: delay });
    await first.start();
    await first.waitForLeadership({ timeoutMs: 5_000 });
    await using second = new LeaderLatch(b, '/election', { id: 'second', takeoverDelayMs: delay });
    await second.start();
    // The leader's session ends without close(): its node goes, its record stays.
    const gone = Date.now();
    await a.close();
    await second.waitForLeadership({ timeoutMs: 10_000 });
    expect(Date.now() - gone).toBeGreaterThanOrEqual(delay - 50);
    // A clean close clears the record: the next one takes over without the delay.
    await using third = new LeaderLatch(c, '/election', { id: 'third', takeoverDelayMs: delay });
    await third.start();
    const closed = Date.now();
    await second.close();
    await third.waitForLeadership({ timeoutMs: 10_000 });
    expect(Date.now() - closed).toBeLessThan(delay);
  });

  it('takeover delay: the last leader rejoining within the delay takes its leadership back', async () => {
    const [a, b, c] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const delay = 3_000;
    const first = new LeaderLatch(a, '/election', { id: 'first', takeoverDelayMs: delay });
    await first.start();
    await first.waitForLeadership({ timeoutMs: 5_000 });
    const second = new LeaderLatch(b, '/election', { id: 'second', takeoverDelayMs: delay });
    await second.start();
    await a.close(); // the leader's session is gone …
    await using back = new LeaderLatch(c, '/election', { id: 'first', takeoverDelayMs: delay });
    await back.start(); // … and it comes back (new session, last in line) within the delay
    await back.waitForLeadership({ timeoutMs: 5_000 });
    expect(second.isLeader).toBe(false);
    expect(await second.leader()).toBe('first');
    // The successor is still inside its delay window: a clean close must hand over at once.
    const closed = Date.now();
    await back.close();
    await second.waitForLeadership({ timeoutMs: 5_000 });
    expect(Date.now() - closed).toBeLessThan(delay / 2);
    await second.close();
  });
});

describe('LeaderLatch takeover delay with a shared id', () => {
  it('two participants that share an id never both lead', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const first = new LeaderLatch(a, '/dup', { id: 'same', takeoverDelayMs: 5_000 });
    await first.start();
    await first.waitForLeadership({ timeoutMs: 5_000 });
    await using second = new LeaderLatch(b, '/dup', { id: 'same', takeoverDelayMs: 5_000 });
    await second.start();
    await expect(second.waitForLeadership({ timeoutMs: 500 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect([first.isLeader, second.isLeader]).toEqual([true, false]);
    // The leader's session goes without a clean close: the other 'same' reclaims the record.
    await a.close();
    await second.waitForLeadership({ timeoutMs: 5_000 });
    expect(first.isLeader).toBe(false);
  });
});

describe('LeaderLatch herd', () => {
  it('with 20 followers, the leader leaving wakes exactly one of them (watch events counted)', async () => {
    const clients = await peers(21);
    const latches = clients.map((c, i) => new LeaderLatch(c, '/herd', { id: `p${i}` }));
    for (const latch of latches) await latch.start();
    await latches[0]?.waitForLeadership({ timeoutMs: 10_000 });
    // Let every follower arm its predecessor watch.
    await eventually(async () => expect((await latches[0]?.participants())?.length).toBe(21));
    await new Promise((r) => setTimeout(r, 300));
    const followers = clients.slice(1);
    const before = followers.map((c) => c.stats().watchEvents);
    await latches[0]?.close();
    await latches[1]?.waitForLeadership({ timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300)); // any extra (herd) events would arrive by now
    const woken = followers.map((c, i) => c.stats().watchEvents - (before[i] ?? 0));
    expect(woken.reduce((a, b) => a + b, 0)).toBe(1);
    expect(woken[0]).toBe(1);
    for (const latch of latches.slice(1)) await latch.close();
  }, 60_000);
});
