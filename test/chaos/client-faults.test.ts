/**
 * The session engine under server faults, on a dedicated 3-node ensemble (read-only mode
 * enabled): a frozen follower is abandoned, a frozen leader is outlived, the leader dies during
 * a stream of writes without losing an acknowledged one, and a client keeps reading from a
 * read-only server when quorum is lost, then returns to read/write.
 */
import { afterEach, describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import {
  ConnectionLossError,
  connect,
  NodeExistsError,
  NotReadOnlyError,
  SessionExpiredError,
  type SessionState,
  type ZooKeeperClient,
} from '../../src/index.js';
import type { Ensemble } from '../../src/testing/index.js';
import { eventually } from '../support/zk.js';
import { useDedicatedEnsemble } from '../support/ensemble.js';

const zk = useDedicatedEnsemble({
  size: 3,
  tickTimeMs: 250,
  jvmFlags: ['-Dreadonlymode.enabled=true'],
  // a read-only server starts some seconds after quorum is lost: give sessions time to get there
  // read-only servers only create local sessions (ZooKeeper refuses global ones with NOTREADONLY)
  serverConfig: {
    maxSessionTimeout: '30000',
    localSessionsEnabled: 'true',
    localSessionsUpgradingEnabled: 'true',
  },
});

/**
 * Every client logs into a buffer that is printed when its test fails (and live with ZK_DEBUG):
 * the client's side of a fault that only CI sees.
 */
function testLogger() {
  const lines: string[] = [];
  const stamp = (level: string) => (msg: string, f?: object) => {
    const line = `${new Date().toISOString().slice(11, 23)} ${level} ${msg} ${JSON.stringify(
      f ?? {},
      (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v),
    )}`;
    if (process.env.ZK_DEBUG) console.log(line);
    lines.push(line);
  };
  onTestFailed(() => console.log(`--- client log ---\n${lines.slice(-200).join('\n')}`));
  return { debug() {}, info: stamp('I'), warn: stamp('W'), error: stamp('E') };
}

async function restoreAll(ensemble: Ensemble): Promise<void> {
  for (const s of ensemble.servers) {
    ensemble.proxy(s.index).heal();
    if (s.state === 'paused') await ensemble.resume(s.index);
    else if (s.state !== 'running') await ensemble.start(s.index, { timeoutMs: 60_000 });
  }
  await ensemble.waitForQuorum({ timeoutMs: 60_000 });
}

afterEach(async () => {
  await restoreAll(zk.ensemble);
}, 120_000);

async function client(
  opts: Parameters<typeof connect>[1] = {},
  connectString?: string,
): Promise<ZooKeeperClient> {
  const c = await connect(connectString ?? zk.ensemble.proxiedConnectString, {
    requestTimeoutMs: 30_000,
    connectTimeoutMs: 2_000,
    logger: testLogger(),
    ...opts,
  });
  onTestFinished(() => c.close());
  return c;
}

/** Index of the server whose proxy carries the client's (single) live connection. */
async function connectedIndex(ensemble: Ensemble): Promise<number> {
  return eventually(() => {
    const live = ensemble.proxies.flatMap((p, i) => (p.connectionCount > 0 ? [i] : []));
    expect(live).toHaveLength(1);
    return live[0]!;
  });
}

function stateReached(c: ZooKeeperClient, target: SessionState, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`state ${target} not reached within ${timeoutMs} ms (now ${c.state})`));
    }, timeoutMs);
    const sub = c.state$.subscribe((s) => {
      if (s !== target) return;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      resolve();
    });
  });
}

describe('client under server faults', () => {
  it('abandons a frozen (SIGSTOP) follower and keeps its session on another one', async () => {
    const { ensemble } = zk;
    // only the followers' proxies: the freeze must not cost the ensemble its leader (a frozen
    // leader is noticed after syncLimit ticks, then an election runs; see the next test)
    const leader = await ensemble.waitForQuorum({ timeoutMs: 60_000 });
    const followers = ensemble.servers.filter((s) => s.index !== leader).map((s) => s.index);
    const c = await client(
      { sessionTimeoutMs: 3000 },
      followers.map((i) => ensemble.proxy(i).connectString).join(','),
    );
    const id = c.sessionId;
    await c.create('/frozen-eph', '', { mode: 'ephemeral' });
    const index = await connectedIndex(ensemble);
    const suspended = stateReached(c, 'suspended', 10_000);
    const reconnected = stateReached(c, 'reconnected', 15_000);
    await ensemble.pause(index);
    await suspended;
    await reconnected;
    expect(c.sessionId).toBe(id);
    expect(await c.exists('/frozen-eph')).not.toBeNull();
    const now = await connectedIndex(ensemble);
    expect(now).not.toBe(index);
    await ensemble.resume(index);
    await c.delete('/frozen-eph');
  });

  it('keeps its session through a frozen leader when a new one is elected within the session timeout', async () => {
    const { ensemble } = zk;
    const leader = await ensemble.waitForQuorum({ timeoutMs: 60_000 });
    // on the leader's proxy first, so the freeze hits the client's own server; the others are
    // where it goes next
    const c = await client(
      { sessionTimeoutMs: 12_000, shuffleHosts: false },
      [leader, ...ensemble.servers.map((s) => s.index).filter((i) => i !== leader)]
        .map((i) => ensemble.proxy(i).connectString)
        .join(','),
    );
    expect(await connectedIndex(ensemble)).toBe(leader);
    const id = c.sessionId;
    await c.create('/frozen-leader-eph', '', { mode: 'ephemeral' });
    const states: SessionState[] = [];
    const sub = c.state$.subscribe((s) => states.push(s));
    onTestFinished(() => sub.unsubscribe());
    const reconnected = stateReached(c, 'reconnected', 40_000);
    await ensemble.pause(leader);
    await reconnected;
    expect(states).not.toContain('lost');
    expect(c.sessionId).toBe(id);
    expect(await c.exists('/frozen-leader-eph')).not.toBeNull();
    expect(await connectedIndex(ensemble)).not.toBe(leader);
    await ensemble.resume(leader);
    await c.delete('/frozen-leader-eph');
  }, 60_000);

  it('loses no acknowledged write when the leader is killed during 1000 sequential writes', async () => {
    const { ensemble } = zk;
    const c = await client({ sessionTimeoutMs: 6000 }, ensemble.connectString);
    await c.create('/writes');
    // an ephemeral upgrades the (local) session to a global one that can move between servers
    await c.create('/writes-owner', '', { mode: 'ephemeral' });
    const id = c.sessionId;
    const states: SessionState[] = [];
    const sub = c.state$.subscribe((s) => states.push(s));
    onTestFinished(() => sub.unsubscribe());
    const acknowledged: string[] = [];
    let retries = 0;
    const killAt = 300;
    let killing: Promise<void> | undefined;
    for (let i = 0; i < 1000; i++) {
      if (i === killAt) {
        const leader = await ensemble.leader();
        expect(leader).toBeDefined();
        killing = ensemble.kill(leader!);
      }
      const path = `/writes/w-${String(i).padStart(4, '0')}`;
      for (;;) {
        try {
          await c.create(path, String(i));
          acknowledged.push(path);
          break;
        } catch (err) {
          if (err instanceof NodeExistsError) {
            // an earlier attempt was applied but its reply was lost: it is acknowledged now
            acknowledged.push(path);
            break;
          }
          // local sessions (see the ensemble config) do not survive a server change: a retry then
          // runs on a new session, which is fine for a persistent create guarded by NodeExists
          const retryable =
            err instanceof ConnectionLossError ||
            err instanceof SessionExpiredError ||
            (err as { retryable?: boolean }).retryable === true;
          if (!retryable) throw err;
          retries++;
          await c.waitForConnection({ timeoutMs: 30_000 });
        }
      }
    }
    await killing;
    expect(acknowledged).toHaveLength(1000);
    const children = new Set((await c.getChildren('/writes')).map((n) => `/writes/${n}`));
    for (const p of acknowledged) expect(children.has(p)).toBe(true);
    expect(children.size).toBe(1000);
    // the kill reached the client (its server died or dropped it), and it carried on
    expect(states).toContain('suspended');
    expect(states).not.toContain('lost');
    expect(states.at(-1)).toBe('reconnected');
    expect(c.sessionId).toBe(id);
    expect(await c.exists('/writes-owner')).not.toBeNull();
    console.log(`leader kill: ${retries} retried writes, states ${states.join(' > ')}`);
    await c.deleteRecursive('/writes');
  }, 120_000);

  it('serves reads from a read-only server when quorum is lost, then returns to read/write', async () => {
    const { ensemble } = zk;
    const setup = await client({}, ensemble.connectString);
    await setup.create('/ro', 'before');
    await setup.close();
    const c = await client({ sessionTimeoutMs: 15_000, canBeReadOnly: true });
    const states: SessionState[] = [];
    const sub = c.state$.subscribe((s) => states.push(s));
    onTestFinished(() => sub.unsubscribe());
    const survivor = await connectedIndex(ensemble);
    const readOnly = stateReached(c, 'read-only', 40_000);
    for (const s of ensemble.servers) if (s.index !== survivor) await ensemble.kill(s.index);
    await ensemble.waitForRole(survivor, 'read-only', { timeoutMs: 40_000 });
    await readOnly;
    expect((await c.getData('/ro')).data.toString()).toBe('before');
    await expect(c.setData('/ro', 'during')).rejects.toBeInstanceOf(NotReadOnlyError);
    const back = stateReached(c, 'reconnected', 60_000);
    for (const s of ensemble.servers)
      if (s.index !== survivor) await ensemble.start(s.index, { timeoutMs: 60_000 });
    await back;
    await eventually(
      async () => {
        await c.setData('/ro', 'after');
        return true;
      },
      { timeoutMs: 30_000 },
    );
    expect((await c.getData('/ro')).data.toString()).toBe('after');
    // the old global session cannot move to the read-only server: it is lost, a local read-only
    // session follows, then a read/write session once quorum is back
    expect(states.slice(0, 4)).toEqual(['connected', 'suspended', 'lost', 'read-only']);
    // leaving read-only: straight over (background isro probe) or via suspended when the
    // read-only server drops its clients first; never another lost
    expect(states.slice(4).filter((s) => s !== 'suspended')).toEqual(['reconnected']);
    await c.delete('/ro');
  }, 180_000);
});
