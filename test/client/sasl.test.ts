// SASL DIGEST-MD5 against a real server configured the way Kafka-style deployments do it:
// SASLAuthenticationProvider plus a JAAS `Server` section with DigestLoginModule.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  AuthFailedError,
  connect,
  createClient,
  digestMd5,
  NoAuthError,
  Perms,
  type SessionState,
  type ZooKeeperClient,
} from '../../src/index.js';
import { main as secureClient } from '../../examples/secure-client.js';
import { Ensemble, FaultProxy } from '../../src/testing/index.js';
import { zkConnectString } from '../support/zk.js';

const jaasDir = mkdtempSync(join(tmpdir(), 'zk-sasl-'));
const jaas = join(jaasDir, 'jaas.conf');
writeFileSync(
  jaas,
  'Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_bob="bobsecret"\n  user_eve="evesecret";\n};\n',
);

let ensemble: Ensemble;
beforeAll(async () => {
  ensemble = await Ensemble.start({
    size: 1,
    jvmFlags: [`-Djava.security.auth.login.config=${jaas}`],
    serverConfig: { 'authProvider.1': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider' },
  });
});
afterAll(async () => {
  await ensemble?.close();
  rmSync(jaasDir, { recursive: true, force: true });
});

async function client(connectString: string, password = 'bobsecret'): Promise<ZooKeeperClient> {
  const c = await connect(connectString, {
    sasl: digestMd5({ username: 'bob', password }),
    sessionTimeoutMs: 6000,
    requestTimeoutMs: 10_000,
  });
  onTestFinished(() => c.close());
  return c;
}

function nextState(c: ZooKeeperClient, target: SessionState): Promise<void> {
  return new Promise((resolve) => {
    const sub = c.state$.subscribe((s) => {
      if (s !== target) return;
      queueMicrotask(() => sub.unsubscribe());
      resolve();
    });
  });
}

describe('SASL DIGEST-MD5', () => {
  it('authenticates: the session is sasl:bob and sasl ACLs let bob in, not others', async () => {
    const bob = await client(ensemble.connectString);
    expect(await bob.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'bob' });
    const path = `/sasl-${process.pid}-${Date.now()}`;
    await bob.create(path, 'secret', { acl: [{ perms: Perms.all, id: { scheme: 'sasl', id: 'bob' } }] });
    onTestFinished(() => bob.delete(path).catch(() => {}));
    expect((await bob.getData(path)).data.toString()).toBe('secret');
    const anonymous = await connect(ensemble.connectString);
    onTestFinished(() => anonymous.close());
    await expect(anonymous.getData(path)).rejects.toBeInstanceOf(NoAuthError);
    const eve = await connect(ensemble.connectString, {
      sasl: digestMd5({ username: 'eve', password: 'evesecret' }),
    });
    onTestFinished(() => eve.close());
    expect(await eve.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'eve' });
    await expect(eve.getData(path)).rejects.toBeInstanceOf(NoAuthError);
  });

  it('authenticates again on every new connection, before the requests queued meanwhile', async () => {
    const [host, port] = ensemble.connectString.split(':') as [string, string];
    const proxy = await FaultProxy.start({ targetHost: host, targetPort: Number(port) });
    onTestFinished(() => proxy.close());
    const bob = await client(proxy.connectString);
    const id = bob.sessionId;
    const path = `/sasl-re-${process.pid}-${Date.now()}`;
    await bob.create(path, 'v1', { acl: [{ perms: Perms.all, id: { scheme: 'sasl', id: 'bob' } }] });
    onTestFinished(() => bob.delete(path).catch(() => {}));
    const suspended = nextState(bob, 'suspended');
    const back = nextState(bob, 'reconnected');
    proxy.reset();
    await suspended;
    // issued while disconnected: must wait for the new connection's SASL exchange, else NoAuth
    const queued = bob.getData(path);
    await back;
    expect(bob.sessionId).toBe(id);
    expect((await queued).data.toString()).toBe('v1');
    expect(await bob.whoAmI()).toContainEqual({ authScheme: 'sasl', user: 'bob' });
  });

  it('a wrong password closes the client with AuthFailedError, never a hang', async () => {
    const c = createClient(ensemble.connectString, {
      sasl: digestMd5({ username: 'bob', password: 'wrong' }),
      requestTimeoutMs: 10_000,
    });
    onTestFinished(() => c.close());
    const closed = nextState(c, 'closed');
    const err = await c.waitForConnection({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    await closed;
    await expect(c.exists('/')).rejects.toThrow();
  });

  it('against a server without SASL set up: AuthFailedError that says so, not a reconnect loop', async () => {
    const c = createClient(zkConnectString(), { sasl: digestMd5({ username: 'bob', password: 'x' }) });
    onTestFinished(() => c.close());
    const err = await c.waitForConnection({ timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect((err as Error).message).toMatch(/is SASL enabled/);
    expect(c.state).toBe('closed');
  });

  it('examples/secure-client runs against a SASL-enabled server', async () => {
    const chroot = `/ex-sasl-${process.pid}-${Date.now()}`;
    const admin = await connect(ensemble.connectString);
    onTestFinished(() => admin.close());
    await admin.mkdirp(chroot);
    onTestFinished(() => admin.deleteRecursive(chroot).catch(() => {}));
    const r = await secureClient(`${ensemble.connectString}${chroot}`, {
      username: 'bob',
      password: 'bobsecret',
    });
    expect(r.identity).toContain('sasl:bob');
    expect(r.ownerReads).toBe('db-password=hunter2');
    expect(r.anonymousRefused).toBe(true);
  });
});
