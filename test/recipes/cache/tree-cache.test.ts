import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../../src/index.js';
import { ChildrenCache, TreeCache, type TreeEvent, utf8 } from '../../../recipes/cache/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';
import { collect, readTree, serverPath, serverWatchCount } from './cache-test-helpers.js';

/** Builds /root/a<i>/b<j> with data = path. Returns the number of nodes (incl. root). */
async function buildTree(client: ZooKeeperClient, root: string, a: number, b: number): Promise<number> {
  await client.create(root, root);
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < a; i++) ops.push(client.create(`${root}/a${i}`, `${root}/a${i}`));
  await Promise.all(ops);
  const more: Promise<unknown>[] = [];
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) more.push(client.create(`${root}/a${i}/b${j}`, `${root}/a${i}/b${j}`));
  await Promise.all(more);
  return 1 + a + a * b;
}

/** Applies events to a map, failing on any phantom (added twice, updated/removed unknown). */
function replay(events: TreeEvent<string>[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'added') {
      expect(m.has(e.path), `phantom add ${e.path}`).toBe(false);
      m.set(e.path, e.data);
    } else if (e.type === 'updated') {
      expect(m.has(e.path), `update of unknown ${e.path}`).toBe(true);
      m.set(e.path, e.data);
    } else if (e.type === 'removed') {
      expect(m.has(e.path), `remove of unknown ${e.path}`).toBe(true);
      m.delete(e.path);
    }
  }
  return m;
}

function dataOf(tree: ReadonlyMap<string, { data: string }>): Map<string, string> {
  return new Map([...tree].map(([p, n]) => [p, n.data]));
}

for (const watchMode of ['persistent', 'one-shot'] as const) {
  describe(`TreeCache (${watchMode} watches)`, () => {
    it('initial sync of a few hundred nodes matches a full read; added events then initialized', async () => {
      const client = await newClient();
      const count = await buildTree(client, '/t', 20, 15);
      const cache = new TreeCache(client, '/t', { decode: utf8, watchMode });
      const events = collect(cache.events$);
      await cache.start({ timeoutMs: 20_000 });
      expect(cache.current.size).toBe(count);
      const truth = await readTree(client, '/t');
      expect(dataOf(cache.current)).toEqual(new Map([...truth].map(([p, n]) => [p, n.data])));
      const types = events.values.map((e) => e.type);
      expect(types.filter((t) => t === 'added').length).toBe(count);
      expect(types.at(-1)).toBe('initialized');
      await cache.close();
      events.sub.unsubscribe();
    });

    it('randomized mutations: the cache and its event stream end equal to a fresh full read', async () => {
      const client = await newClient();
      const writer = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
      await buildTree(client, '/r', 8, 5);
      const cache = new TreeCache(client, '/r', { decode: utf8, watchMode });
      const events = collect(cache.events$);
      await cache.start({ timeoutMs: 20_000 });
      let seed = 12345;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let step = 0; step < 300; step++) {
        const all = [...(await readTree(writer, '/r')).keys()].filter((p) => p !== '/r');
        const op = rnd(3);
        try {
          if (op === 0 || all.length === 0) {
            const parent = all.length && rnd(2) ? (all[rnd(all.length)] as string) : '/r';
            await writer.create(`${parent}/n${step}`, `new-${step}`);
          } else if (op === 1) {
            await writer.setData(all[rnd(all.length)] as string, `set-${step}`);
          } else {
            await writer.deleteRecursive(all[rnd(all.length)] as string);
          }
        } catch {
          // a concurrent-looking race with our own earlier op is fine; the final compare decides
        }
      }
      await eventually(
        async () => {
          const truth = await readTree(writer, '/r');
          expect(dataOf(cache.current)).toEqual(new Map([...truth].map(([p, n]) => [p, n.data])));
          for (const [p, n] of truth) expect(cache.get(p)?.stat.mzxid).toBe(n.mzxid);
        },
        { timeoutMs: 15_000 },
      );
      const nodeEvents = events.values.filter((e) => e.type !== 'initialized' && e.type !== 'resynced');
      expect(replay(nodeEvents as TreeEvent<string>[])).toEqual(dataOf(cache.current));
      await cache.close();
      events.sub.unsubscribe();
    });

    it('tree$ replays the latest snapshot; a late events$ subscriber gets a consistent start', async () => {
      const client = await newClient();
      await buildTree(client, '/s', 3, 2);
      const cache = new TreeCache(client, '/s', { decode: utf8, watchMode });
      await cache.start({ timeoutMs: 10_000 });
      const tree = collect(cache.tree$);
      expect(tree.values.length).toBe(1);
      expect(tree.values[0]?.size).toBe(10);
      await client.create('/s/a0/new', 'x');
      await eventually(() => expect(tree.values.at(-1)?.get('/s/a0/new')?.data).toBe('x'));
      const late = collect(cache.events$);
      expect(late.values.filter((e) => e.type === 'added').length).toBe(11);
      expect(late.values.at(-1)?.type).toBe('initialized');
      await client.delete('/s/a0/new');
      await eventually(() =>
        expect(late.values.at(-1)).toMatchObject({ type: 'removed', path: '/s/a0/new' }),
      );
      expect(Object.isFrozen(tree.values[0]) || tree.values[0] !== tree.values.at(-1)).toBe(true);
      tree.sub.unsubscribe();
      late.sub.unsubscribe();
      await cache.close();
    });

    it('a missing root is empty, then fills when created; maxDepth limits the depth', async () => {
      const client = await newClient();
      const cache = new TreeCache(client, '/m', { decode: utf8, watchMode, maxDepth: 1 });
      await cache.start({ timeoutMs: 10_000 });
      expect(cache.current.size).toBe(0);
      await client.create('/m', 'root');
      await client.create('/m/c', 'child');
      await client.create('/m/c/g', 'grandchild');
      await eventually(() => expect([...cache.current.keys()].sort()).toEqual(['/m', '/m/c']));
      await client.deleteRecursive('/m');
      await eventually(() => expect(cache.current.size).toBe(0));
      await cache.close();
    });
  });
}

describe('TreeCache lifecycle', () => {
  it('completes its streams when the client closes; start() on a closed client rejects', async () => {
    const client = await newClient();
    await client.create('/l', 'x');
    const cache = new TreeCache(client, '/l', { decode: utf8 });
    const tree = collect(cache.tree$);
    const events = collect(cache.events$);
    await cache.start({ timeoutMs: 5_000 });
    await client.close();
    await eventually(() => expect(tree.completed && events.completed).toBe(true));
    const late = collect(cache.tree$);
    expect(late.completed).toBe(true);
    await expect(cache.start({ timeoutMs: 1_000 })).rejects.toThrow();
    await cache.close();
    await cache[Symbol.asyncDispose]();
  });
});

describe('TreeCache at the root', () => {
  it("caches a chroot's whole tree from '/'", async () => {
    const client = await newClient();
    await client.create('/x', 'x');
    await client.create('/x/y', 'y');
    const cache = new TreeCache(client, '/', { decode: utf8 });
    await cache.start({ timeoutMs: 10_000 });
    expect([...cache.current.keys()].sort()).toEqual(['/', '/x', '/x/y']);
    await client.create('/z', 'z');
    await client.delete('/x/y');
    await eventually(() => expect([...cache.current.keys()].sort()).toEqual(['/', '/x', '/z']));
    const kids = new ChildrenCache(client, '/', { decode: utf8 });
    await kids.start({ timeoutMs: 10_000 });
    expect([...kids.current.keys()].sort()).toEqual(['x', 'z']);
    await Promise.all([cache.close(), kids.close()]);
  });
});

describe('TreeCache watches', () => {
  it('persistent mode: one recursive watch; close removes the local listener and stops events', async () => {
    const client = await newClient();
    await buildTree(client, '/w', 5, 5);
    const cache = new TreeCache(client, '/w', { decode: utf8 });
    await cache.start({ timeoutMs: 10_000 });
    const full = serverPath(client, '/w');
    expect(await serverWatchCount(full)).toBe(1);
    await cache.close();
    const before = client.stats().watchEvents;
    await client.setData('/w/a1', 'after-close');
    await client.sync('/w');
    // ZooKeeper < 3.9 cannot remove a persistent watch on the server; the client drops it locally
    expect(cache.current.size).toBe(0);
    expect(client.stats().watchEvents - before).toBeLessThanOrEqual(1);
  });

  it('one-shot mode: closing removes every server watch', async () => {
    const client = await newClient();
    await buildTree(client, '/o', 4, 3);
    const cache = new TreeCache(client, '/o', { decode: utf8, watchMode: 'one-shot' });
    await cache.start({ timeoutMs: 10_000 });
    expect(await serverWatchCount(serverPath(client, '/o/a1/b1'))).toBe(1);
    await cache.close();
    await eventually(async () => expect(await serverWatchCount(serverPath(client, '/o/a1/b1'))).toBe(0));
    expect(await serverWatchCount(serverPath(client, '/o'))).toBe(0);
  });
});

describe('ChildrenCache', () => {
  it('maps child names to data, reports child events only, and ignores grandchildren', async () => {
    const client = await newClient();
    await client.create('/workers', 'parent');
    await client.create('/workers/w1', 'idle');
    const cache = new ChildrenCache(client, '/workers', { decode: utf8 });
    const events = collect(cache.events$);
    const children = collect(cache.children$);
    await cache.start({ timeoutMs: 10_000 });
    expect(dataOf(cache.current)).toEqual(new Map([['w1', 'idle']]));
    await client.create('/workers/w2', 'busy', { mode: 'ephemeral' });
    await client.setData('/workers/w1', 'busy');
    await client.create('/workers/w1/deep', 'ignored');
    await client.setData('/workers', 'parent-changed');
    await client.delete('/workers/w2');
    await eventually(() =>
      expect(
        events.values.filter((e) => e.type !== 'initialized').map((e) => [e.type, 'path' in e ? e.path : '']),
      ).toEqual([
        ['added', '/workers/w1'],
        ['added', '/workers/w2'],
        ['updated', '/workers/w1'],
        ['removed', '/workers/w2'],
      ]),
    );
    expect(cache.get('w1')?.data).toBe('busy');
    expect(dataOf(children.values.at(-1) ?? new Map())).toEqual(new Map([['w1', 'busy']]));
    const sizes = children.values.map((m) => [...m.keys()].join(','));
    for (let i = 1; i < sizes.length; i++) {
      const same =
        sizes[i] === sizes[i - 1] && children.values[i]?.get('w1') === children.values[i - 1]?.get('w1');
      expect(same, 'children$ emitted an unchanged map').toBe(false);
    }
    events.sub.unsubscribe();
    children.sub.unsubscribe();
    await cache.close();
  });
});
