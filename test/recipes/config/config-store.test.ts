import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/index.js';
import { DecodeError, jsonAs } from '../../../recipes/cache/index.js';
import { ConfigStore, StaleConfigError } from '../../../recipes/config/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';
import { collect } from '../cache/cache-test-helpers.js';

interface Limits {
  max: number;
  name?: string;
}

describe('ConfigStore', () => {
  it('config$ emits the default while missing, then each change exactly once, fresh', async () => {
    const client = await newClient();
    const store = new ConfigStore<Limits>(client, '/app/limits', { defaultValue: { max: 1 } });
    const seen = collect(store.config$);
    await store.start({ timeoutMs: 5_000 });
    expect(seen.values[0]).toMatchObject({
      value: { max: 1 },
      exists: false,
      stale: false,
      source: 'server',
    });
    await client.create('/app/limits', JSON.stringify({ max: 2 }), { createParents: true });
    await eventually(() => expect(seen.values.at(-1)?.value).toEqual({ max: 2 }));
    await client.setData('/app/limits', JSON.stringify({ max: 3 }));
    await eventually(() => expect(seen.values.at(-1)?.value).toEqual({ max: 3 }));
    expect(seen.values.map((s) => s.value?.max)).toEqual([1, 2, 3]);
    expect(seen.values.every((s) => !s.stale && s.snapshotAgeMs === 0)).toBe(true);
    expect(await store.get()).toEqual({ max: 3 });
    expect(store.snapshotAgeMs).toBe(0);
    await store.close();
  });

  it('get() reads its own update at once (read-your-writes), config$ follows', async () => {
    const client = await newClient();
    await client.create('/ryw', JSON.stringify({ max: 1 }));
    const store = new ConfigStore<Limits>(client, '/ryw');
    await store.start({ timeoutMs: 5_000 });
    const seen = collect(store.config$);
    await store.update((c) => ({ max: (c?.max ?? 0) + 1 }));
    expect(await store.get()).toEqual({ max: 2 });
    await eventually(() => expect(seen.values.at(-1)?.value).toEqual({ max: 2 }));
    await store.close();
  });

  it('update() creates the node when missing and returns what it wrote', async () => {
    const client = await newClient();
    const store = new ConfigStore<Limits>(client, '/cfg/new', { defaultValue: { max: 0 } });
    const r = await store.update((c) => ({ max: (c?.max ?? 0) + 5, name: 'x' }));
    expect(r.value).toEqual({ max: 5, name: 'x' });
    expect(r.stat.version).toBe(0);
    expect(JSON.parse((await client.getData('/cfg/new')).data.toString())).toEqual({ max: 5, name: 'x' });
    expect(await store.get()).toEqual({ max: 5, name: 'x' });
  });

  it('concurrent update() from 5 clients: every increment applied exactly once', async () => {
    const first = await newClient();
    const clients = [
      first,
      ...(await Promise.all(
        Array.from({ length: 4 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
      )),
    ];
    const stores = clients.map((c) => new ConfigStore<Limits>(c, '/counter', { defaultValue: { max: 0 } }));
    const perClient = 10;
    await Promise.all(
      stores.map(async (s) => {
        for (let i = 0; i < perClient; i++) await s.update((c) => ({ max: (c?.max ?? 0) + 1 }));
      }),
    );
    const final = JSON.parse((await first.getData('/counter')).data.toString()) as Limits;
    expect(final.max).toBe(5 * perClient);
    expect((await first.exists('/counter'))?.version).toBe(5 * perClient - 1);
  });

  it('a typed decoder rejecting bad config is an error notification naming the path', async () => {
    const client = await newClient();
    await client.create('/typed', JSON.stringify({ max: 'many' }));
    const decode = jsonAs<Limits>((v) => {
      if (typeof (v as Limits).max !== 'number') throw new Error('max must be a number');
      return v as Limits;
    });
    const store = new ConfigStore<Limits>(client, '/typed', { decode });
    const err = await store.start({ timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).path).toBe('/typed');
    await store.close();
  });

  it('uses the snapshot file (stale, aged) while the server is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zk-recipes-config-'));
    const file = join(dir, 'limits.json');
    try {
      const client = await newClient();
      await client.create('/snap', JSON.stringify({ max: 42 }));
      const live = new ConfigStore<Limits>(client, '/snap', { snapshotFile: file });
      await live.start({ timeoutMs: 5_000 });
      await eventually(async () => {
        const { readFileSync } = await import('node:fs');
        expect(JSON.parse(readFileSync(file, 'utf8')).path).toBe('/snap');
      });
      await live.close();
      const offline = createClient('127.0.0.1:1', { connectTimeoutMs: 300, requestTimeoutMs: 0 });
      try {
        const store = new ConfigStore<Limits>(offline, '/snap', { snapshotFile: file });
        await store.start({ timeoutMs: 2_000 });
        expect(store.current).toMatchObject({ value: { max: 42 }, stale: true, source: 'file', stat: null });
        await new Promise((r) => setTimeout(r, 30));
        expect(store.snapshotAgeMs).toBeGreaterThanOrEqual(30);
        expect(await store.get()).toEqual({ max: 42 });
        await expect(store.get({ maxStalenessMs: 1 })).rejects.toBeInstanceOf(StaleConfigError);
        await store.close();
      } finally {
        await offline.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
