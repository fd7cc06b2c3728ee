import { describe, expect, it } from 'vitest';
import {
  BadVersionError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
} from '../../src/index.js';
import { newClient, zkConnectString } from '../support/zk.js';

describe('create', () => {
  it('returns the path and a Stat (create2) for every plain mode', async () => {
    const zk = await newClient();
    const a = await zk.create('/a', 'hello');
    expect(a.path).toBe('/a');
    expect(a.stat.version).toBe(0);
    expect(a.stat.dataLength).toBe(5);
    expect(a.stat.ephemeralOwner).toBe(0n);
    expect(a.stat.czxid).toBeGreaterThan(0n);

    const e = await zk.create('/e', undefined, { mode: 'ephemeral' });
    expect(e.stat.ephemeralOwner).toBe(zk.sessionId);
    expect(e.stat.dataLength).toBe(0);

    const s1 = await zk.create('/a/item-', 'x', { mode: 'persistent-sequential' });
    const s2 = await zk.create('/a/item-', 'y', { mode: 'ephemeral-sequential' });
    expect(s1.path).toMatch(/^\/a\/item-\d{10}$/);
    expect(s2.path).toMatch(/^\/a\/item-\d{10}$/);
    expect(Number(s2.path.slice(-10))).toBeGreaterThan(Number(s1.path.slice(-10)));
    expect(s2.stat.ephemeralOwner).toBe(zk.sessionId);

    const bare = await zk.create('/a/', 'z', { mode: 'persistent-sequential' });
    expect(bare.path).toMatch(/^\/a\/\d{10}$/);
  });

  it('stores strings as UTF-8 and bytes as they are', async () => {
    const zk = await newClient();
    await zk.create('/s', 'héllo wörld ✓');
    expect((await zk.getData('/s')).data.toString('utf8')).toBe('héllo wörld ✓');
    const bytes = new Uint8Array([0, 255, 1, 254]);
    await zk.create('/b', bytes);
    expect([...(await zk.getData('/b')).data]).toEqual([0, 255, 1, 254]);
  });

  it('fails with NodeExistsError, NoNodeError and NoChildrenForEphemeralsError', async () => {
    const zk = await newClient();
    await zk.create('/x');
    await expect(zk.create('/x')).rejects.toBeInstanceOf(NodeExistsError);
    const err = await zk.create('/missing/child').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoNodeError);
    expect((err as NoNodeError).path).toBe('/missing/child');
    await zk.create('/eph', '', { mode: 'ephemeral' });
    await expect(zk.create('/eph/child')).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
  });

  it('creates missing parents as persistent nodes, never with the child mode', async () => {
    const zk = await newClient();
    const r = await zk.create('/p/q/r', 'leaf', { mode: 'ephemeral', createParents: true });
    expect(r.path).toBe('/p/q/r');
    expect(r.stat.ephemeralOwner).toBe(zk.sessionId);
    for (const parent of ['/p', '/p/q']) {
      const stat = await zk.exists(parent);
      expect(stat?.ephemeralOwner).toBe(0n);
      expect(stat?.dataLength).toBe(0);
    }
    const seq = await zk.create('/jobs/deep/job-', 'j', {
      mode: 'persistent-sequential',
      createParents: true,
    });
    expect(seq.path).toMatch(/^\/jobs\/deep\/job-\d{10}$/);
  });

  it('tolerates concurrent creators of the same parents', async () => {
    const zk = await newClient();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => zk.create(`/race/x/y/n${i}`, '', { createParents: true })),
    );
    expect(results.map((r) => r.path).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `/race/x/y/n${i}`).sort(),
    );
    expect((await zk.getChildren('/race/x/y')).length).toBe(10);
  });
});

describe('exists / getData / setData / delete', () => {
  it('exists returns a Stat or null', async () => {
    const zk = await newClient();
    expect(await zk.exists('/nope')).toBeNull();
    await zk.create('/yes', 'abc');
    const stat = await zk.exists('/yes');
    expect(stat?.dataLength).toBe(3);
    expect(await zk.exists('/')).not.toBeNull();
  });

  it('getData returns data and Stat, NoNodeError for a missing node', async () => {
    const zk = await newClient();
    await zk.create('/d', 'data!');
    const { data, stat } = await zk.getData('/d');
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(data.toString()).toBe('data!');
    expect(stat.version).toBe(0);
    await expect(zk.getData('/none')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('treats version 0 as a real version and absent as any', async () => {
    const zk = await newClient();
    await zk.create('/v', 'a');
    const s1 = await zk.setData('/v', 'b', { version: 0 });
    expect(s1.version).toBe(1);
    await expect(zk.setData('/v', 'c', { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    const s2 = await zk.setData('/v', 'c');
    expect(s2.version).toBe(2);
    await expect(zk.delete('/v', { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    await zk.delete('/v', { version: 2 });
    expect(await zk.exists('/v')).toBeNull();
    await expect(zk.setData('/v', 'x')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('delete fails with NoNodeError and NotEmptyError', async () => {
    const zk = await newClient();
    await expect(zk.delete('/none')).rejects.toBeInstanceOf(NoNodeError);
    await zk.create('/parent/child', '', { createParents: true });
    await expect(zk.delete('/parent')).rejects.toBeInstanceOf(NotEmptyError);
    await zk.delete('/parent/child');
    await zk.delete('/parent');
  });
});

describe('pipelining', () => {
  it.each([true, false])(
    '2000 getData with 256 in flight all get their own node, in order (readCoalescing: %s)',
    async (readCoalescing) => {
      const client = await newClient({ readCoalescing });
      const tx = client.multi();
      for (let i = 0; i < 20; i++) tx.create(`/p${i}`, `v${i}`);
      await tx.commit();
      let next = 0;
      const seen: string[] = [];
      const worker = async () => {
        while (next < 2000) {
          const i = next++;
          const { data } = await client.getData(`/p${i % 20}`);
          seen[i] = data.toString();
        }
      };
      await Promise.all(Array.from({ length: 256 }, worker));
      expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => `v${i % 20}`));
    },
  );
});

describe('children', () => {
  it('lists child names, with and without the parent Stat', async () => {
    const zk = await newClient();
    await zk.create('/c');
    expect(await zk.getChildren('/c')).toEqual([]);
    for (const n of ['x', 'y', 'z']) await zk.create(`/c/${n}`);
    expect((await zk.getChildren('/c')).sort()).toEqual(['x', 'y', 'z']);
    const { children, stat } = await zk.getChildrenWithStat('/c');
    expect(children.sort()).toEqual(['x', 'y', 'z']);
    expect(stat.numChildren).toBe(3);
    expect(stat.cversion).toBe(3);
    await expect(zk.getChildren('/none')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('getAllChildrenNumber counts every descendant', async () => {
    const zk = await newClient();
    await zk.create('/t/a/b', '', { createParents: true });
    await zk.create('/t/c');
    expect(await zk.getAllChildrenNumber('/t')).toBe(3);
    expect(await zk.getAllChildrenNumber('/t/c')).toBe(0);
  });
});

describe('deleteRecursive / mkdirp', () => {
  it('deletes a whole tree and is fine with a missing path', async () => {
    const zk = await newClient();
    await zk.create('/tree/a/b/c', '', { createParents: true });
    for (let i = 0; i < 50; i++) await zk.create(`/tree/a/n${i}`);
    await zk.create('/tree/e', '', { mode: 'ephemeral' });
    await zk.deleteRecursive('/tree');
    expect(await zk.exists('/tree')).toBeNull();
    await zk.deleteRecursive('/tree');
    await zk.deleteRecursive('/never/was');
  });

  it('tolerates a concurrent deleter', async () => {
    const zk = await newClient();
    for (let i = 0; i < 30; i++) await zk.create(`/both/k${i}/leaf`, '', { createParents: true });
    await Promise.all([
      zk.deleteRecursive('/both'),
      zk.deleteRecursive('/both/k3'),
      zk.deleteRecursive('/both'),
    ]);
    expect(await zk.exists('/both')).toBeNull();
  });

  it('terminates even while children keep appearing: gone, or NotEmptyError after bounded rounds', async () => {
    const zk = await newClient();
    await zk.create('/busy');
    let stop = false;
    const producer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await zk.create(`/busy/c${i}`);
        } catch (err) {
          if (err instanceof NoNodeError) return; // the parent is gone
          throw err;
        }
      }
    })();
    const outcome = await zk.deleteRecursive('/busy').then(
      () => 'deleted',
      (err: unknown) => err,
    );
    stop = true;
    await producer;
    if (outcome !== 'deleted') expect(outcome).toBeInstanceOf(NotEmptyError);
  });

  it('mkdirp creates missing ancestors and accepts existing nodes', async () => {
    const zk = await newClient();
    await zk.mkdirp('/m/n/o');
    await zk.mkdirp('/m/n/o');
    await zk.mkdirp('/m/n');
    expect(await zk.exists('/m/n/o')).not.toBeNull();
    await zk.mkdirp('/m/eph', { mode: 'ephemeral' });
    expect((await zk.exists('/m/eph'))?.ephemeralOwner).toBe(zk.sessionId);
    await zk.mkdirp('/ttl/dir', { mode: 'persistent-ttl', ttlMs: 60_000 });
    await zk.mkdirp('/ttl/dir', { mode: 'persistent-ttl', ttlMs: 60_000 });
    expect(await zk.exists('/ttl/dir')).not.toBeNull();
    await zk.mkdirp('/');
  });
});

describe('session-level operations', () => {
  it('sync, whoAmI and getEphemerals work', async () => {
    const zk = await newClient();
    await zk.create('/s');
    await zk.sync('/s');
    const who = await zk.whoAmI();
    expect(who.some((c) => c.authScheme === 'ip')).toBe(true);
    await zk.create('/s/e1', '', { mode: 'ephemeral' });
    await zk.create('/s/e2-', '', { mode: 'ephemeral-sequential' });
    await zk.create('/other', '', { mode: 'ephemeral' });
    const all = (await zk.getEphemerals()).sort();
    expect(all).toHaveLength(3);
    expect(all[0]).toBe('/other');
    expect(all[1]).toBe('/s/e1');
    expect(all[2]).toMatch(/^\/s\/e2-\d{10}$/);
    expect((await zk.getEphemerals('/s')).length).toBe(2);
  });

  it('ephemeral nodes go when the session closes', async () => {
    const zk = await newClient();
    const other = await newClient({ connectString: `${zkConnectString()}${zk.chroot}` });
    await other.create('/gone', '', { mode: 'ephemeral' });
    await zk.sync('/gone');
    expect(await zk.exists('/gone')).not.toBeNull();
    await other.close();
    await zk.sync('/');
    expect(await zk.exists('/gone')).toBeNull();
  });
});
