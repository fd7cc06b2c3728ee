import { describe, expect, it } from 'vitest';
import { expireSession } from '../../src/testing/expire-session.js';
import { PersistentNode, PersistentTtlNode } from '../../recipes/nodes/index.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';
import { collect } from '../recipes/cache/cache-test-helpers.js';

const SESSION_MS = 3_000;

describe('PersistentNode under session expiry and partitions (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS });

  it('an ephemeral is re-created by the new session after expiry, with the latest data', async () => {
    const { ensemble } = zk;
    const base = `/nodes-${Date.now()}`;
    const owner = await client(ensemble.connectString);
    const observer = await client(ensemble.connectString);
    const node = new PersistentNode(owner, `${base}/worker`, { data: 'v1' });
    const paths = collect(node.path$);
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    const firstOwner = (await observer.exists(`${base}/worker`))?.ephemeralOwner;
    expect(firstOwner).toBe(owner.sessionId);
    await expireSession(owner, { connectString: ensemble.connectString });
    await node.setData('v2', { timeoutMs: 20_000 });
    await eventually(
      async () => {
        const now = await observer.getData(`${base}/worker`);
        expect(now.stat.ephemeralOwner).toBe(owner.sessionId);
        expect(now.stat.ephemeralOwner).not.toBe(firstOwner);
        expect(now.data.toString()).toBe('v2');
      },
      { timeoutMs: 20_000 },
    );
    expect(paths.values).toContain(null);
    await eventually(() => expect(paths.values.at(-1)).toBe(`${base}/worker`));
    await node.close();
    expect(await observer.exists(`${base}/worker`)).toBeNull();
  });

  it('a protected sequential ephemeral keeps its name across expiry; no duplicate is left', async () => {
    const { ensemble } = zk;
    const base = `/seqnodes-${Date.now()}`;
    const owner = await client(ensemble.connectString);
    const observer = await client(ensemble.connectString);
    const node = new PersistentNode(owner, `${base}/member-`, { mode: 'ephemeral-sequential' });
    node.start();
    const path = await node.waitForInitialCreate({ timeoutMs: 5_000 });
    await expireSession(owner, { connectString: ensemble.connectString });
    await eventually(
      async () => {
        const stat = await observer.exists(path);
        expect(stat?.ephemeralOwner).toBe(owner.sessionId);
      },
      { timeoutMs: 20_000 },
    );
    expect(await observer.getChildren(base)).toEqual([path.slice(base.length + 1)]);
    await node.close();
  });

  it('a partition shorter than the session keeps the same node (no re-create)', async () => {
    const { ensemble } = zk;
    const base = `/partition-${Date.now()}`;
    const owner = await client(ensemble.proxiedConnectString);
    const observer = await client(ensemble.connectString);
    const node = new PersistentNode(owner, `${base}/n`, { data: 'x' });
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    const before = await observer.exists(`${base}/n`);
    for (const p of ensemble.proxies) p.blackhole();
    await new Promise((r) => setTimeout(r, SESSION_MS / 3));
    for (const p of ensemble.proxies) p.heal();
    await owner.waitForConnection({ timeoutMs: 10_000 });
    await node.setData('y', { timeoutMs: 10_000 });
    const after = await observer.getData(`${base}/n`);
    expect(after.stat.czxid).toBe(before?.czxid);
    expect(after.data.toString()).toBe('y');
    await node.close();
  });

  it('PersistentTtlNode: when its process stops touching, the child expires and the container is reaped', async () => {
    const { ensemble } = zk;
    const base = `/ttl-${Date.now()}`;
    const admin = await client(ensemble.connectString);
    const worker = await client(ensemble.connectString);
    const node = new PersistentTtlNode(worker, `${base}/worker`, { ttlMs: 1_000 });
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    // while touched, it outlives several TTLs
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await admin.exists(`${base}/worker`)).not.toBeNull();
    await worker.close(); // the process "dies": no more touches, nothing deleted
    await eventually(async () => expect(await admin.exists(`${base}/worker`)).toBeNull(), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    await node.close();
  });
});
