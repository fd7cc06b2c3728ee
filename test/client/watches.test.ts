import { describe, expect, it } from 'vitest';
import { NoWatcherError, type WatchEvent } from '../../src/index.js';
import { serverWatchCount } from '../support/server-watches.js';
import { newClient, recordEvents, zkConnectString } from '../support/zk.js';

describe('one-shot watches', () => {
  it('a data watch fires data-changed once', async () => {
    const zk = await newClient();
    await zk.create('/w', 'a');
    const rec = recordEvents();
    await zk.getData('/w', { watch: rec.listener });
    await zk.setData('/w', 'b');
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/w' });
    await zk.setData('/w', 'c');
    await zk.sync('/w');
    // A second change after the one-shot fired: nothing more. Prove with a fresh watch that
    // fires after the change that must not reach the first one.
    const after = recordEvents();
    await zk.getData('/w', { watch: after.listener });
    await zk.setData('/w', 'd');
    await after.next();
    expect(rec.events).toHaveLength(1);
  });

  it('a data watch fires deleted', async () => {
    const zk = await newClient();
    await zk.create('/w');
    const rec = recordEvents();
    await zk.getData('/w', { watch: rec.listener });
    await zk.delete('/w');
    expect(await rec.next()).toEqual({ type: 'deleted', path: '/w' });
  });

  it('an exists watch on a missing node fires created', async () => {
    const zk = await newClient();
    const rec = recordEvents();
    expect(await zk.exists('/later', { watch: rec.listener })).toBeNull();
    await zk.create('/later');
    expect(await rec.next()).toEqual({ type: 'created', path: '/later' });
  });

  it('an exists watch on an existing node fires data-changed', async () => {
    const zk = await newClient();
    await zk.create('/here');
    const rec = recordEvents();
    expect(await zk.exists('/here', { watch: rec.listener })).not.toBeNull();
    await zk.setData('/here', 'x');
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/here' });
  });

  it('a child watch fires children-changed, for another session too', async () => {
    const zk = await newClient();
    const other = await newClient({ connectString: `${zkConnectString()}${zk.chroot}` });
    await zk.create('/kids');
    const rec = recordEvents();
    const rec2 = recordEvents();
    await zk.getChildren('/kids', { watch: rec.listener });
    await zk.getChildrenWithStat('/kids', { watch: rec2.listener });
    await other.create('/kids/a');
    expect(await rec.next()).toEqual({ type: 'children-changed', path: '/kids' });
    expect(await rec2.next()).toEqual({ type: 'children-changed', path: '/kids' });
  });

  it('a listener registered twice for one path is called once per event', async () => {
    const zk = await newClient();
    await zk.create('/twice');
    const rec = recordEvents();
    await zk.getData('/twice', { watch: rec.listener });
    await zk.exists('/twice', { watch: rec.listener });
    await zk.setData('/twice', 'x');
    await rec.next();
    const probe = recordEvents();
    await zk.getData('/twice', { watch: probe.listener });
    await zk.setData('/twice', 'y');
    await probe.next();
    expect(rec.events).toEqual([{ type: 'data-changed', path: '/twice' }]);
  });

  it('a listener that throws does not break the client', async () => {
    const zk = await newClient();
    await zk.create('/boom');
    await zk.getData('/boom', {
      watch: () => {
        throw new Error('listener bug');
      },
    });
    await zk.setData('/boom', 'x');
    const rec = recordEvents();
    await zk.getData('/boom', { watch: rec.listener });
    await zk.setData('/boom', 'y');
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/boom' });
  });
});

describe('persistent watches (addWatch)', () => {
  it('a persistent watch fires for every change on its node until removed', async () => {
    const zk = await newClient();
    await zk.create('/p');
    const rec = recordEvents();
    const watch = await zk.addWatch('/p', rec.listener);
    expect(watch.path).toBe('/p');
    expect(watch.recursive).toBe(false);
    await zk.setData('/p', '1');
    await zk.setData('/p', '2');
    await zk.create('/p/child');
    await zk.create('/p/child/grandchild');
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/p' });
    expect(await rec.next()).toEqual({ type: 'data-changed', path: '/p' });
    expect(await rec.next()).toEqual({ type: 'children-changed', path: '/p' });
    await watch.remove();
    await watch.remove();
    await zk.setData('/p', '3');
    const probe = recordEvents();
    await zk.getData('/p', { watch: probe.listener });
    await zk.setData('/p', '4');
    await probe.next();
    expect(rec.events.filter((e) => e.type !== 'watch-removed')).toHaveLength(3);
  });

  it('removing a persistent watch removes it on the server too (also before ZooKeeper 3.9)', async () => {
    const zk = await newClient();
    await zk.create('/gone');
    const serverPath = `${zk.chroot}/gone`;
    for (const recursive of [false, true]) {
      const watch = await zk.addWatch('/gone', () => {}, { recursive });
      expect(await serverWatchCount(serverPath)).toBe(1);
      await watch.remove();
      expect(await serverWatchCount(serverPath)).toBe(0);
    }
  });

  it('a recursive watch sees the whole subtree and no children-changed', async () => {
    const zk = await newClient();
    await zk.create('/r');
    const rec = recordEvents();
    {
      await using _watch = await zk.addWatch('/r', rec.listener, { recursive: true });
      await zk.create('/r/a');
      await zk.create('/r/a/b', 'x');
      await zk.setData('/r/a/b', 'y');
      await zk.delete('/r/a/b');
      const seen: WatchEvent[] = [];
      for (let i = 0; i < 4; i++) seen.push(await rec.next());
      expect(seen).toEqual([
        { type: 'created', path: '/r/a' },
        { type: 'created', path: '/r/a/b' },
        { type: 'data-changed', path: '/r/a/b' },
        { type: 'deleted', path: '/r/a/b' },
      ]);
    }
    // disposed: later changes are not delivered
    await zk.create('/r/c');
    const probe = recordEvents();
    await zk.getData('/r', { watch: probe.listener });
    await zk.setData('/r', 'z');
    await probe.next();
    expect(rec.events.filter((e) => e.type !== 'watch-removed')).toHaveLength(4);
  });
});

describe('removeWatches', () => {
  it('removes a data watch; the listener gets watch-removed, not the change', async () => {
    const zk = await newClient();
    await zk.create('/rw');
    const rec = recordEvents();
    await zk.getData('/rw', { watch: rec.listener });
    await zk.removeWatches('/rw', 'data');
    expect(await rec.next()).toEqual({ type: 'watch-removed', path: '/rw' });
    await zk.setData('/rw', 'x');
    const probe = recordEvents();
    await zk.getData('/rw', { watch: probe.listener });
    await zk.setData('/rw', 'y');
    await probe.next();
    expect(rec.events).toEqual([{ type: 'watch-removed', path: '/rw' }]);
  });

  it('removes only the given listener', async () => {
    const zk = await newClient();
    await zk.create('/two');
    const a = recordEvents();
    const b = recordEvents();
    await zk.getChildren('/two', { watch: a.listener });
    await zk.getChildren('/two', { watch: b.listener });
    await zk.removeWatches('/two', 'children', { listener: a.listener });
    await zk.create('/two/x');
    expect(await b.next()).toEqual({ type: 'children-changed', path: '/two' });
    expect(a.events).toEqual([{ type: 'watch-removed', path: '/two' }]);
  });

  it('fails with NoWatcherError when there is no such watch', async () => {
    const zk = await newClient();
    await zk.create('/none');
    await expect(zk.removeWatches('/none', 'any')).rejects.toBeInstanceOf(NoWatcherError);
  });
});

describe('close()', () => {
  it('tells every one-shot and persistent listener closed, exactly once', async () => {
    const zk = await newClient();
    await zk.create('/c');
    const oneShot = recordEvents();
    const persistent = recordEvents();
    await zk.getData('/c', { watch: oneShot.listener });
    await zk.exists('/missing', { watch: oneShot.listener });
    await zk.addWatch('/c', persistent.listener, { recursive: true });
    await zk.close();
    expect(await persistent.next()).toEqual({ type: 'closed', path: '/c' });
    expect((await oneShot.next()).type).toBe('closed');
    expect(oneShot.events.every((e) => e.type === 'closed')).toBe(true);
    expect(persistent.events).toHaveLength(1);
  });
});
