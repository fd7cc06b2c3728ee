/**
 * Session behaviour against real ZooKeeper (the run's shared ensemble): state transitions,
 * expiry, re-attaching the same session through another server, auth and watch replay.
 * Link faults go through FaultProxies this file starts in front of the shared servers, so the
 * servers themselves are never touched.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { SessionState, ZooKeeperClient } from '../../src/index.js';
import { CREATOR_ALL_ACL, connect, createClient, NoNodeError, SessionExpiredError } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { FaultProxy } from '../../src/testing/index.js';
import { eventually, freshChroot, newClient, recordEvents, zkConnectString } from '../support/zk.js';

function hostsOf(cs: string): string {
  const i = cs.indexOf('/');
  return i < 0 ? cs : cs.slice(0, i);
}

function chrootOf(cs: string): string {
  const i = cs.indexOf('/');
  return i < 0 ? '' : cs.slice(i);
}

/** One FaultProxy per shared server, closed at the end of the test. */
async function proxies(): Promise<FaultProxy[]> {
  const ps = await Promise.all(
    hostsOf(zkConnectString())
      .split(',')
      .map((hp) => {
        const at = hp.lastIndexOf(':');
        return FaultProxy.start({ targetHost: hp.slice(0, at), targetPort: Number(hp.slice(at + 1)) });
      }),
  );
  onTestFinished(async () => {
    await Promise.all(ps.map((p) => p.close()));
  });
  return ps;
}

function proxiedConnectString(ps: FaultProxy[], chroot: string): string {
  return `${ps.map((p) => `${p.host}:${p.port}`).join(',')}${chroot}`;
}

/** The proxy carrying the client's live connection. */
async function activeProxy(ps: FaultProxy[]): Promise<FaultProxy> {
  return eventually(() => {
    const live = ps.filter((p) => p.connectionCount > 0);
    expect(live).toHaveLength(1);
    return live[0]!;
  });
}

function recordStates(client: ZooKeeperClient): SessionState[] {
  const states: SessionState[] = [];
  const sub = client.state$.subscribe((s) => states.push(s));
  onTestFinished(() => sub.unsubscribe());
  return states;
}

function stateReached(client: ZooKeeperClient, target: SessionState, timeoutMs = 15_000): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`state ${target} not reached within ${timeoutMs} ms (now ${client.state})`));
    }, timeoutMs);
    const sub = client.state$.subscribe((s) => {
      if (s !== target) return;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      resolve(performance.now() - t0);
    });
  });
}

/** Resolves once the client has gone through `targets` in this order (other states may come between). */
function statesInOrder(client: ZooKeeperClient, targets: SessionState[], timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(
        new Error(`states ${targets.join(' -> ')} not seen within ${timeoutMs} ms (now ${client.state})`),
      );
    }, timeoutMs);
    const sub = client.state$.subscribe((s) => {
      if (s !== targets[next]) return;
      next++;
      if (next < targets.length) return;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      resolve();
    });
  });
}

const clients: ZooKeeperClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function proxiedClient(ps: FaultProxy[], chroot: string, sessionTimeoutMs: number, extra = {}) {
  const client = await connect(proxiedConnectString(ps, chroot), {
    sessionTimeoutMs,
    requestTimeoutMs: 20_000,
    ...extra,
  });
  clients.push(client);
  return client;
}

describe('session lifecycle', () => {
  it('goes connecting -> connected with a negotiated session, and closed on close()', async () => {
    const cs = await freshChroot();
    const client = createClient(cs, { sessionTimeoutMs: 4000 });
    const states = recordStates(client);
    expect(client.state).toBe('connecting');
    expect(client.sessionId).toBe(0n);
    await client.waitForConnection({ timeoutMs: 10_000 });
    expect(client.sessionId).not.toBe(0n);
    expect(client.sessionPassword).toHaveLength(16);
    expect(client.sessionTimeoutMs).toBeGreaterThan(0);
    await client.create('/e', 'x', { mode: 'ephemeral' });
    const observer = await newClient({ connectString: cs });
    expect(await observer.exists('/e')).not.toBeNull();
    await client.close();
    await client.close();
    // closeSession deletes ephemerals at once, not after the session timeout
    expect(await observer.exists('/e')).toBeNull();
    expect(states).toEqual(['connecting', 'connected', 'closed']);
  });

  it('after expireSession: lost, a new session, old ephemerals and watches gone, then usable again', async () => {
    const cs = await freshChroot();
    const client = await newClient({ connectString: cs, sessionTimeoutMs: 4000 });
    const states = recordStates(client);
    const oldId = client.sessionId;
    await client.create('/eph', '', { mode: 'ephemeral' });
    await client.create('/data', 'v1');
    const rec = recordEvents();
    await client.getData('/data', { watch: rec.listener });
    // 'reconnected' after 'lost': the client may first win its old session back for a moment
    // (it reconnects before the server has processed the killer's closeSession).
    const back = statesInOrder(client, ['lost', 'reconnected']);
    const result = await expireSession(client, { connectString: zkConnectString() });
    expect(result.alreadyExpired).toBe(false);
    await back;
    expect(client.sessionId).not.toBe(oldId);
    expect(client.sessionId).not.toBe(0n);
    const firstLost = states.indexOf('lost');
    expect(states.slice(0, 2)).toEqual(['connected', 'suspended']);
    expect(states.slice(firstLost)).toEqual(['lost', 'reconnected']);
    expect(states.slice(0, firstLost).every((s) => s !== 'closed' && s !== 'lost')).toBe(true);
    expect(await rec.next()).toEqual({ type: 'session-lost', path: '/data' });
    expect(await client.exists('/eph')).toBeNull();
    await client.setData('/data', 'v2');
    await client.sync('/data');
    expect(rec.events).toHaveLength(1);
    expect((await client.getData('/data')).data.toString()).toBe('v2');
  });

  it('without renewSessionOnExpiry stays lost and fails requests with SessionExpiredError', async () => {
    const cs = await freshChroot();
    const client = await newClient({
      connectString: cs,
      sessionTimeoutMs: 4000,
      renewSessionOnExpiry: false,
    });
    const lost = stateReached(client, 'lost');
    await expireSession(client, { connectString: zkConnectString() });
    await lost;
    await expect(client.exists('/')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(client.state).toBe('lost');
  });
});

describe('connection faults (through proxies)', () => {
  it('re-attaches the same session after a reset and delivers watch events missed while away', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 6000);
    const other = await newClient({ connectString: cs });
    const states = recordStates(client);
    const id = client.sessionId;
    await client.create('/eph', '', { mode: 'ephemeral' });
    await client.create('/n', 'a');
    const data = recordEvents();
    const children = recordEvents();
    await client.getData('/n', { watch: data.listener });
    await client.getChildren('/n', { watch: children.listener });
    for (const p of ps) p.refuse();
    (await activeProxy(ps)).reset();
    await stateReached(client, 'suspended');
    await other.setData('/n', 'b');
    await other.create('/n/kid');
    const reconnected = stateReached(client, 'reconnected');
    for (const p of ps) p.heal();
    await reconnected;
    expect(client.sessionId).toBe(id);
    expect(await data.next()).toEqual({ type: 'data-changed', path: '/n' });
    expect(await children.next()).toEqual({ type: 'children-changed', path: '/n' });
    expect(await other.exists('/eph')).not.toBeNull();
    expect(states).toEqual(['connected', 'suspended', 'reconnected']);
    expect(client.stats().reconnects).toBe(1);
  });

  it('a black-holed link goes suspended within 2/3 of the session timeout, then another server takes over', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const sessionTimeoutMs = 3000;
    const client = await proxiedClient(ps, chrootOf(cs), sessionTimeoutMs);
    const other = await newClient({ connectString: cs });
    const negotiated = client.sessionTimeoutMs;
    const id = client.sessionId;
    await client.create('/eph', '', { mode: 'ephemeral' });
    await client.create('/w');
    const rec = recordEvents();
    await client.exists('/w', { watch: rec.listener });
    const victim = await activeProxy(ps);
    const suspended = stateReached(client, 'suspended');
    const reconnected = stateReached(client, 'reconnected');
    victim.blackhole();
    const suspendedAfterMs = await suspended;
    // read timeout is 2/3 of the negotiated timeout, counted from the last reply
    expect(suspendedAfterMs).toBeLessThanOrEqual((negotiated * 2) / 3 + 500);
    await reconnected;
    expect(client.sessionId).toBe(id);
    const live = ps.filter((p) => p !== victim && p.connectionCount > 0);
    expect(live).toHaveLength(1);
    expect(await other.exists('/eph')).not.toBeNull();
    await other.setData('/w', 'changed');
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/w' });
    victim.heal();
  });

  it('partitioned longer than the session timeout: lost (simulated expiry), then a new session', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 2000);
    const other = await newClient({ connectString: cs });
    const states = recordStates(client);
    const id = client.sessionId;
    await client.create('/eph', '', { mode: 'ephemeral' });
    const rec = recordEvents();
    await client.exists('/eph', { watch: rec.listener });
    const lost = stateReached(client, 'lost');
    for (const p of ps) p.blackhole();
    await lost;
    expect(await rec.next()).toEqual({ type: 'session-lost', path: '/eph' });
    const queued = client.exists('/eph');
    const back = stateReached(client, 'reconnected');
    for (const p of ps) p.heal();
    await back;
    expect(client.sessionId).not.toBe(id);
    expect(states).toEqual(['connected', 'suspended', 'lost', 'reconnected']);
    // the server expires the old session on its own: its ephemeral goes away
    await eventually(async () => expect(await other.exists('/eph')).toBeNull(), { timeoutMs: 10_000 });
    await queued.catch(() => {});
  });

  it('a request issued while suspended waits for the connection and succeeds', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 6000);
    await client.create('/n', 'v');
    for (const p of ps) p.refuse();
    (await activeProxy(ps)).reset();
    await stateReached(client, 'suspended');
    const pending = client.getData('/n');
    for (const p of ps) p.heal();
    expect((await pending).data.toString()).toBe('v');
  });

  it('replays auth before requests queued while disconnected (no NoAuth)', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 6000, {
      auth: [{ scheme: 'digest', auth: 'user:secret' }],
    });
    await client.addAuth('digest', 'second:pw');
    await client.create('/private', 'secret', { acl: CREATOR_ALL_ACL });
    for (const p of ps) p.refuse();
    (await activeProxy(ps)).reset();
    await stateReached(client, 'suspended');
    const pending = client.getData('/private');
    for (const p of ps) p.heal();
    expect((await pending).data.toString()).toBe('secret');
    const stranger = await newClient({ connectString: cs });
    await expect(stranger.getData('/private')).rejects.toMatchObject({ codeName: 'NOAUTH' });
  });

  it('re-arms more than 1 MiB of watches in batches after a reconnect, without flapping', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 6000);
    const other = await newClient({ connectString: cs });
    const n = 16_000;
    const prefix = `/watched-${'x'.repeat(60)}-`;
    const listener = () => {};
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) reads.push(client.exists(`${prefix}${i}`, { watch: listener }));
    await Promise.all(reads);
    const last = recordEvents();
    await client.exists(`${prefix}last`, { watch: last.listener });
    const states = recordStates(client);
    (await activeProxy(ps)).reset();
    await stateReached(client, 'reconnected');
    await other.create(`${prefix}last`);
    expect(await last.next()).toEqual({ type: 'created', path: `${prefix}last` });
    expect(states).toEqual(['connected', 'suspended', 'reconnected']);
    expect(client.stats().reconnects).toBe(1);
  });

  it('fails requests in flight with ConnectionLossError when the link drops, never leaves them hanging', async () => {
    const ps = await proxies();
    const cs = await freshChroot();
    const client = await proxiedClient(ps, chrootOf(cs), 6000);
    await client.create('/n');
    const victim = await activeProxy(ps);
    victim.delay(400, 'server-to-client');
    const inflight = Array.from({ length: 50 }, () => client.getData('/n'));
    await new Promise((r) => setTimeout(r, 100));
    victim.reset();
    const results = await Promise.allSettled(inflight);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ codeName: 'CONNECTIONLOSS' });
    victim.heal();
    await stateReached(client, 'reconnected');
    await expect(client.getData('/missing')).rejects.toBeInstanceOf(NoNodeError);
  });
});

describe('persistent and one-shot watches on one path', () => {
  it('a one-shot watch does not turn a persistent watch on the same path into a one-shot (ZOOKEEPER-4466)', async () => {
    const client = await newClient();
    await client.create('/p', 'v0');
    const persistent = recordEvents();
    const handle = await client.addWatch('/p', persistent.listener);
    const oneShot = recordEvents();
    const childOnce = recordEvents();
    await client.getData('/p', { watch: oneShot.listener });
    await client.getChildren('/p', { watch: childOnce.listener });
    for (let i = 1; i <= 3; i++) await client.setData('/p', `v${i}`);
    await client.create('/p/kid');
    for (let i = 0; i < 4; i++) await persistent.next();
    expect(persistent.events.map((e) => e.type)).toEqual([
      'data-changed',
      'data-changed',
      'data-changed',
      'children-changed',
    ]);
    expect(oneShot.events).toEqual([{ type: 'data-changed', path: '/p' }]);
    expect(childOnce.events).toEqual([{ type: 'children-changed', path: '/p' }]);
    // once the persistent watch is gone, a pending one-shot is armed on the server again
    const later = recordEvents();
    await client.getData('/p', { watch: later.listener });
    await handle.remove();
    await client.setData('/p', 'v4');
    expect(await later.next()).toEqual({ type: 'data-changed', path: '/p' });
  });
});
