import { describe, expect, it } from 'vitest';
import { UnimplementedError, type ZooKeeperClient } from '../../../src/index.js';
import { TreeCache, utf8 } from '../../../recipes/cache/index.js';
import { eventually, newClient } from '../../support/zk.js';
import { readTree } from './cache-test-helpers.js';

/** A real client that answers addWatch and multiRead like ZooKeeper 3.5 (Unimplemented). */
function like35(client: ZooKeeperClient): ZooKeeperClient & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'calls') return calls;
      if (prop === 'addWatch' || prop === 'multiRead') {
        return () => {
          calls[prop] = (calls[prop] ?? 0) + 1;
          return Promise.reject(new UnimplementedError());
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ZooKeeperClient & { calls: Record<string, number> };
}

describe('TreeCache on a server without persistent watches (3.5)', () => {
  it('falls back to one-shot watches and still follows every change', async () => {
    const real = await newClient();
    const client = like35(real);
    await real.create('/f', 'root');
    for (let i = 0; i < 10; i++) await real.create(`/f/c${i}`, `v${i}`);
    const cache = new TreeCache(client, '/f', { decode: utf8 });
    await cache.start({ timeoutMs: 10_000 });
    expect(client.calls.addWatch).toBe(1);
    expect(cache.current.size).toBe(11);
    await real.setData('/f/c1', 'changed');
    await real.create('/f/c1/deep', 'deep');
    await real.delete('/f/c2');
    await eventually(async () => {
      const truth = await readTree(real, '/f');
      expect(new Map([...cache.current].map(([p, n]) => [p, n.data]))).toEqual(
        new Map([...truth].map(([p, n]) => [p, n.data])),
      );
    });
    await cache.close();
  });

  it('reads one by one when multiRead is unimplemented (persistent watches available)', async () => {
    const real = await newClient();
    const client = new Proxy(real, {
      get(target, prop) {
        if (prop === 'multiRead') return () => Promise.reject(new UnimplementedError());
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await real.create('/g', 'root');
    for (let i = 0; i < 5; i++) await real.create(`/g/c${i}`, `v${i}`);
    const cache = new TreeCache(client, '/g', { decode: utf8 });
    await cache.start({ timeoutMs: 10_000 });
    expect(cache.current.size).toBe(6);
    await real.create('/g/c9', 'new');
    await eventually(() => expect(cache.get('/g/c9')?.data).toBe('new'));
    await cache.close();
  });
});
