import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DecodeError, json, NodeCache, utf8, watchData } from '../../../recipes/cache/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';
import { collect, serverPath, serverWatchCount, sessionWatches } from './cache-test-helpers.js';

describe('watchData', () => {
  it('emits the current value, then every change exactly once and in order', async () => {
    const client = await newClient();
    await client.create('/cfg', 'v0');
    const seen = collect(watchData(client, '/cfg', { decode: utf8 }));
    await eventually(() => expect(seen.values.length).toBe(1));
    for (let i = 1; i <= 20; i++) {
      await client.setData('/cfg', `v${i}`);
      await eventually(() => expect(seen.values.at(-1)?.data).toBe(`v${i}`));
    }
    expect(seen.values.map((v) => v?.data)).toEqual(Array.from({ length: 21 }, (_, i) => `v${i}`));
    const versions = seen.values.map((v) => v?.stat.version);
    expect(versions).toEqual(Array.from({ length: 21 }, (_, i) => i));
    seen.sub.unsubscribe();
  });

  it('emits null for a missing node, then its creation, deletion and re-creation', async () => {
    const client = await newClient();
    const seen = collect(watchData(client, '/later', { decode: utf8 }));
    await eventually(() => expect(seen.values).toEqual([null]));
    await client.create('/later', 'a');
    await eventually(() => expect(seen.values.length).toBe(2));
    await client.delete('/later');
    await eventually(() => expect(seen.values.length).toBe(3));
    await client.create('/later', 'b');
    await eventually(() => expect(seen.values.length).toBe(4));
    expect(seen.values.map((v) => v?.data ?? null)).toEqual([null, 'a', null, 'b']);
    seen.sub.unsubscribe();
  });

  it('never repeats a value when changes come in faster than reads (coalescing keeps order)', async () => {
    const client = await newClient();
    const writer = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
    await client.create('/fast', '0');
    const seen = collect(watchData(client, '/fast', { decode: utf8 }));
    await eventually(() => expect(seen.values.length).toBe(1));
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.setData('/fast', String(i + 1))));
    await eventually(() => expect(seen.values.at(-1)?.data).toBe('50'));
    const versions = seen.values.map((v) => v?.stat.version ?? -1);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1] as number);
    seen.sub.unsubscribe();
  });

  it('decodes JSON and reports a decode error naming the path', async () => {
    const client = await newClient();
    await client.create('/json', JSON.stringify({ a: 1 }));
    const v = await firstValueFrom(watchData(client, '/json', { decode: json }));
    expect(v?.data).toEqual({ a: 1 });
    await client.setData('/json', '{not json');
    const err = await firstValueFrom(watchData(client, '/json', { decode: json })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).path).toBe('/json');
    expect((err as Error).message).toContain('/json');
  });

  it('a throwing user decoder (schema check) errors only its own subscriber', async () => {
    const client = await newClient();
    await client.create('/port', '8080');
    const strict = collect(
      watchData(client, '/port', {
        decode: (b) => {
          const n = Number(b.toString());
          if (n > 9000) throw new Error('port too high');
          return n;
        },
      }),
    );
    const lenient = collect(watchData(client, '/port', { decode: utf8 }));
    await eventually(() => expect(strict.values.length).toBe(1));
    await client.setData('/port', '9999');
    await eventually(() => expect(strict.error).toBeInstanceOf(DecodeError));
    await eventually(() => expect(lenient.values.at(-1)?.data).toBe('9999'));
    expect(lenient.error).toBeUndefined();
    lenient.sub.unsubscribe();
  });

  it('1000 subscribers share one server watch; the last unsubscribe removes it', async () => {
    const client = await newClient();
    await client.create('/shared', 'x');
    const full = serverPath(client, '/shared');
    const subs = Array.from({ length: 1000 }, () => collect(watchData(client, '/shared', { decode: utf8 })));
    await eventually(() => expect(subs.every((s) => s.values.length === 1)).toBe(true));
    expect(await serverWatchCount(full)).toBe(1);
    expect((await sessionWatches(client.sessionId)).filter((p) => p === full)).toEqual([full]);
    await client.setData('/shared', 'y');
    await eventually(() => expect(subs.every((s) => s.values.at(-1)?.data === 'y')).toBe(true));
    expect(await serverWatchCount(full)).toBe(1);
    for (const s of subs.slice(1)) s.sub.unsubscribe();
    expect(await serverWatchCount(full)).toBe(1);
    subs[0]?.sub.unsubscribe();
    await eventually(async () => expect(await serverWatchCount(full)).toBe(0));
    expect(await sessionWatches(client.sessionId)).not.toContain(full);
    const before = client.stats().watchEvents;
    await client.setData('/shared', 'z');
    await client.sync('/shared');
    expect(client.stats().watchEvents).toBe(before);
  });

  it('completes when the client closes', async () => {
    const client = await newClient();
    await client.create('/c', '1');
    const seen = collect(watchData(client, '/c'));
    await eventually(() => expect(seen.values.length).toBe(1));
    await client.close();
    await eventually(() => expect(seen.completed).toBe(true));
  });

  it('rejects a bad path at once', async () => {
    const client = await newClient();
    expect(() => watchData(client, 'relative')).toThrow(/absolute/);
    expect(() => watchData(client, '/trailing/')).toThrow(/absolute/);
  });

  it('persistent watch mode delivers the same sequence', async () => {
    const client = await newClient();
    await client.create('/p', '0');
    const seen = collect(watchData(client, '/p', { decode: utf8, watchMode: 'persistent' }));
    await eventually(() => expect(seen.values.length).toBe(1));
    await client.setData('/p', '1');
    await eventually(() => expect(seen.values.length).toBe(2));
    await client.delete('/p');
    await eventually(() => expect(seen.values.length).toBe(3));
    await client.create('/p', '2');
    await eventually(() => expect(seen.values.length).toBe(4));
    expect(seen.values.map((v) => v?.data ?? null)).toEqual(['0', '1', null, '2']);
    seen.sub.unsubscribe();
  });
});

describe('NodeCache', () => {
  it('start() waits for the first value; current follows changes; close stops', async () => {
    const client = await newClient();
    await client.create('/n', JSON.stringify({ v: 1 }));
    const cache = new NodeCache(client, '/n', { decode: json });
    await cache.start({ timeoutMs: 5_000 });
    expect(cache.current?.data).toEqual({ v: 1 });
    await client.setData('/n', JSON.stringify({ v: 2 }));
    await eventually(() => expect(cache.current?.data).toEqual({ v: 2 }));
    await cache.close();
    await cache[Symbol.asyncDispose]();
    await expect(cache.start()).rejects.toThrow(/closed/);
  });

  it('start() with a timeout rejects with a TimeoutError when the server is unreachable', async () => {
    const { createClient } = await import('../../../src/index.js');
    const client = createClient('127.0.0.1:1', { connectTimeoutMs: 500, requestTimeoutMs: 0 });
    try {
      const cache = new NodeCache(client, '/x');
      const err = await cache.start({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('TimeoutError');
      await cache.close();
    } finally {
      await client.close();
    }
  });
});
