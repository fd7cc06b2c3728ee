import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, digestAcl, type ZooKeeperClient } from '../../src/index.js';
import { FaultProxy } from '../../src/testing/index.js';
import { freshChroot, newClient, recordEvents, zkConnectString } from '../support/zk.js';

// A fault proxy in front of ONE server of the test ensemble: resetting it drops only this
// test's own connection; the servers are never touched.
let proxy: FaultProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function proxiedClient(chroot: string): Promise<ZooKeeperClient> {
  const [first = ''] = zkConnectString().split('/')[0]?.split(',') ?? [];
  const at = first.lastIndexOf(':');
  proxy = await FaultProxy.start({ targetHost: first.slice(0, at), targetPort: Number(first.slice(at + 1)) });
  const zk = await connect(`${proxy.connectString}${chroot}`, { sessionTimeoutMs: 20_000 });
  return zk;
}

describe('through a dropped connection (same session)', () => {
  it('re-sends addAuth credentials before queued requests, and keeps chroot-relative watches', async () => {
    const cs = await freshChroot('reconnect');
    const chroot = cs.slice(cs.indexOf('/'));
    const zk = await proxiedClient(chroot);
    try {
      await zk.addAuth('digest', 'erin:pw');
      await zk.create('/locked', 'v1', { acl: [digestAcl('erin', 'pw')] });
      const watch = recordEvents();
      await zk.getData('/locked', { watch: watch.listener });
      const sessionId = zk.sessionId;

      const suspended = firstValueFrom(zk.state$.pipe(filter((s) => s === 'suspended')));
      const reconnected = firstValueFrom(zk.state$.pipe(filter((s) => s === 'reconnected')));
      proxy?.refuse();
      proxy?.reset();
      await suspended;
      // Issued while the connection is down: it must wait for the re-auth, not fail with NoAuth.
      const read = zk.getData('/locked');
      proxy?.heal();
      await reconnected;
      expect((await read).data.toString()).toBe('v1');
      expect(zk.sessionId).toBe(sessionId);

      const other = await newClient({ connectString: cs, auth: [{ scheme: 'digest', auth: 'erin:pw' }] });
      await other.setData('/locked', 'v2');
      expect(await watch.next()).toEqual({ type: 'data-changed', path: '/locked' });
      expect(zk.stats().reconnects).toBeGreaterThan(0);
    } finally {
      await zk.close();
    }
  });
});
