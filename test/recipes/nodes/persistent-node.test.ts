import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/index.js';
import { PersistentNode, PersistentTtlNode } from '../../../recipes/nodes/index.js';
import { childrenOrNone, eventually, newClient, zkConnectString } from '../../support/zk.js';
import { collect } from '../cache/cache-test-helpers.js';

describe('PersistentNode', () => {
  it('creates an ephemeral with parents and re-creates it when someone deletes it', async () => {
    const client = await newClient();
    const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    const node = new PersistentNode(client, '/group/members/m1', { data: 'hello' });
    const paths = collect(node.path$);
    node.start();
    expect(await node.waitForInitialCreate({ timeoutMs: 5_000 })).toBe('/group/members/m1');
    const first = await other.getData('/group/members/m1');
    expect(first.data.toString()).toBe('hello');
    expect(first.stat.ephemeralOwner).toBe(client.sessionId);
    await other.delete('/group/members/m1');
    await eventually(async () => {
      const again = await other.getData('/group/members/m1');
      expect(again.stat.czxid).not.toBe(first.stat.czxid);
      expect(again.data.toString()).toBe('hello');
    });
    await eventually(() => expect(paths.values.at(-1)).toBe('/group/members/m1'));
    expect(paths.values).toContain(null);
    await node.close();
    expect(await other.exists('/group/members/m1')).toBeNull();
    await node.close();
  });

  it('setData updates in place and survives a later re-create', async () => {
    const client = await newClient();
    const node = new PersistentNode(client, '/cfg', { mode: 'persistent', data: 'v1' });
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    const before = await client.getData('/cfg');
    await node.setData('v2', { timeoutMs: 5_000 });
    const after = await client.getData('/cfg');
    expect(after.data.toString()).toBe('v2');
    expect(after.stat.czxid).toBe(before.stat.czxid);
    await client.delete('/cfg');
    await eventually(async () => expect((await client.getData('/cfg')).data.toString()).toBe('v2'));
    await node.close();
    expect(await client.exists('/cfg')).toBeNull();
  });

  it('sequential + protected: Curator-style name, and re-creation reuses the same path', async () => {
    const client = await newClient();
    const node = new PersistentNode(client, '/seq/item-', { mode: 'ephemeral-sequential', data: 'x' });
    node.start();
    const path = await node.waitForInitialCreate({ timeoutMs: 5_000 });
    expect(path).toMatch(/^\/seq\/_c_[0-9a-f-]{36}-item-\d{10}$/);
    expect(await client.getChildren('/seq')).toEqual([path.slice('/seq/'.length)]);
    await client.delete(path);
    await eventually(async () =>
      expect(await client.getChildren('/seq')).toEqual([path.slice('/seq/'.length)]),
    );
    expect(node.path).toBe(path);
    await node.close();
    expect(await childrenOrNone(client, '/seq')).toEqual([]);
  });

  it('takes over an existing node by writing its data', async () => {
    const client = await newClient();
    await client.create('/taken', 'theirs');
    const node = new PersistentNode(client, '/taken', { mode: 'persistent', data: 'ours' });
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    expect((await client.getData('/taken')).data.toString()).toBe('ours');
    await node.close();
  });

  it('reports a non-transient failure from waitForInitialCreate', async () => {
    const client = await newClient();
    await client.create('/eph', '', { mode: 'ephemeral' });
    const node = new PersistentNode(client, '/eph/child', { mode: 'persistent' });
    const errors = collect(node.error$);
    node.start();
    const err = await node.waitForInitialCreate({ timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('NoChildrenForEphemeralsError');
    expect(errors.values.length).toBe(1);
    await node.close();
  });

  it('waitForInitialCreate times out with a TimeoutError when ZooKeeper is unreachable', async () => {
    const offline = createClient('127.0.0.1:1', { connectTimeoutMs: 300, requestTimeoutMs: 0 });
    try {
      const node = new PersistentNode(offline, '/x');
      node.start();
      const err = await node.waitForInitialCreate({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('TimeoutError');
      await node.close({ timeoutMs: 100 });
    } finally {
      await offline.close();
    }
  });

  it('rejects bad arguments', async () => {
    const client = await newClient();
    expect(() => new PersistentNode(client, 'nope')).toThrow(/absolute/);
    expect(() => new PersistentNode(client, '/')).toThrow(RangeError);
  });
});

describe('PersistentTtlNode', () => {
  it('is a container kept alive by a TTL child; close removes both', async () => {
    const client = await newClient();
    const node = new PersistentTtlNode(client, '/hb/worker-1', { ttlMs: 2_000, data: 'w1' });
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 5_000 });
    const parent = await client.getData('/hb/worker-1');
    expect(parent.data.toString()).toBe('w1');
    const touch = await client.exists('/hb/worker-1/touch');
    expect(touch).not.toBeNull();
    expect(touch?.ephemeralOwner).toBe(0n);
    await eventually(
      async () => expect((await client.exists('/hb/worker-1/touch'))?.version ?? 0).toBeGreaterThan(0),
      {
        timeoutMs: 5_000,
      },
    );
    await node.close();
    expect(await client.exists('/hb/worker-1')).toBeNull();
  });

  it('rejects a non-positive TTL', async () => {
    const client = await newClient();
    expect(() => new PersistentTtlNode(client, '/hb/x', { ttlMs: 0 })).toThrow(RangeError);
  });
});
