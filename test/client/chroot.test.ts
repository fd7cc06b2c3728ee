import { describe, expect, it } from 'vitest';
import { connect, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { freshChroot, newClient, recordEvents, zkConnectString } from '../support/zk.js';

async function pair(): Promise<{ app: ZooKeeperClient; root: ZooKeeperClient; base: string }> {
  const cs = await freshChroot('chroot');
  const base = cs.slice(cs.indexOf('/'));
  const root = await newClient({ connectString: zkConnectString() });
  await root.create(`${base}/app`);
  const app = await newClient({ connectString: `${cs}/app` });
  return { app, root, base };
}

describe('chroot', () => {
  it('applies the chroot to every path sent and strips it from every path returned', async () => {
    const { app, root, base } = await pair();
    expect(app.chroot).toBe(`${base}/app`);
    const created = await app.create('/x', 'data');
    expect(created.path).toBe('/x');
    await root.sync(`${base}/app/x`);
    expect((await root.getData(`${base}/app/x`)).data.toString()).toBe('data');
    const seq = await app.create('/x/s-', '', { mode: 'ephemeral-sequential' });
    expect(seq.path).toMatch(/^\/x\/s-\d{10}$/);
    expect(await app.getEphemerals()).toEqual([seq.path]);
    expect(await app.getChildren('/')).toEqual(['x']);
    await app.sync('/x');
    const [res] = await app.multi().create('/y', '', { mode: 'persistent-sequential' }).commit();
    expect(res?.type === 'create' && res.path).toMatch(/^\/y\d{10}$/);
    const err = await app.getData('/missing').catch((e: unknown) => e);
    expect((err as { path?: string }).path).toBe('/missing');
  });

  it('delivers watch events with chroot-relative paths, also on the chroot root', async () => {
    const { app, root, base } = await pair();
    const rootWatch = recordEvents();
    const childWatch = recordEvents();
    await app.getChildren('/', { watch: rootWatch.listener });
    await app.exists('/later', { watch: childWatch.listener });
    // A second session for the recursive watch: before 3.9 (ZOOKEEPER-4466) a server keeps one
    // watch mode per session and path, so a persistent watch would replace the child watch above.
    const app2 = await newClient({ connectString: `${zkConnectString()}${app.chroot}` });
    const recursive = recordEvents();
    await app2.addWatch('/', recursive.listener, { recursive: true });
    await root.create(`${base}/app/later`);
    expect(await rootWatch.next()).toEqual({ type: 'children-changed', path: '/' });
    expect(await childWatch.next()).toEqual({ type: 'created', path: '/later' });
    expect(await recursive.next()).toEqual({ type: 'created', path: '/later' });
    const dataWatch = recordEvents();
    await app.getData('/', { watch: dataWatch.listener });
    await root.setData(`${base}/app`, 'v');
    expect(await dataWatch.next()).toEqual({ type: 'data-changed', path: '/' });
    expect(await recursive.next()).toEqual({ type: 'data-changed', path: '/' });
  });

  it('a chroot whose node does not exist yet gives NoNode until it is created', async () => {
    const cs = await freshChroot('missing');
    const zk = await connect(`${cs}/not/yet`);
    try {
      await expect(zk.create('/a')).rejects.toBeInstanceOf(NoNodeError);
      expect(await zk.exists('/')).toBeNull();
      const root = await newClient({ connectString: cs });
      await root.mkdirp('/not/yet');
      await zk.create('/b');
      expect((await zk.getChildren('/')).includes('b')).toBe(true);
    } finally {
      await zk.close();
    }
  });
});
