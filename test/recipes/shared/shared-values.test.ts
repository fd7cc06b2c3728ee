import { describe, expect, it } from 'vitest';
import { AtomicCounter, SharedCounter, SharedValue } from '../../../recipes/shared/index.js';
import { utf8 } from '../../../recipes/cache/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';
import { collect } from '../cache/cache-test-helpers.js';

describe('SharedCounter', () => {
  it('uses Curator SharedCount encoding (4-byte big-endian) and streams every change', async () => {
    const client = await newClient();
    const count = new SharedCounter(client, '/count', 7);
    const seen = collect(count.value$);
    await count.start({ timeoutMs: 5_000 });
    expect(count.getCount()).toBe(7);
    expect((await client.getData('/count')).data).toEqual(Buffer.from([0, 0, 0, 7]));
    await count.setCount(-2);
    expect((await client.getData('/count')).data).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    await client.setData('/count', Buffer.from([0, 0, 1, 0]));
    await eventually(() => expect(count.getCount()).toBe(256));
    expect(seen.values.map((v) => v.value)).toEqual([7, -2, 256]);
    await count.close();
  });

  it('trySetCount is compare-and-set by version', async () => {
    const a = await newClient();
    const b = await newClient({ connectString: `${zkConnectString()}${a.chroot}` });
    const ca = new SharedCounter(a, '/cas', 0);
    const cb = new SharedCounter(b, '/cas', 0);
    await Promise.all([ca.start(), cb.start()]);
    const va = ca.getVersionedValue();
    const vb = cb.getVersionedValue();
    expect(va.version).toBe(vb.version);
    expect(await ca.trySetCount(va.value + 1, va)).toBe(true);
    expect(ca.getCount()).toBe(1);
    expect(await cb.trySetCount(vb.value + 10, vb.version)).toBe(false);
    await eventually(() => expect(cb.getCount()).toBe(1));
    const fresh = cb.getVersionedValue();
    expect(await cb.trySetCount(fresh.value + 10, fresh)).toBe(true);
    expect((await a.getData('/cas')).data.readInt32BE(0)).toBe(11);
    await Promise.all([ca.close(), cb.close()]);
  });

  it('rejects values outside int32 and bad bytes from elsewhere', async () => {
    const client = await newClient();
    expect(() => new SharedCounter(client, '/x', 2 ** 31)).toThrow(RangeError);
    await client.create('/bad', 'abc');
    const c = new SharedCounter(client, '/bad', 0);
    await expect(c.start({ timeoutMs: 5_000 })).rejects.toThrow(/expected 4 bytes/);
    await c.close();
  });
});

describe('SharedValue', () => {
  it('seeds a missing node, keeps a seeded node, and is read-your-writes', async () => {
    const client = await newClient();
    await client.create('/existing', 'kept');
    const codec = { decode: utf8, encode: (s: string) => Buffer.from(s) };
    const kept = new SharedValue(client, '/existing', { seed: 'seed', ...codec });
    const seeded = new SharedValue(client, '/fresh', { seed: 'seed', ...codec });
    await Promise.all([kept.start(), seeded.start()]);
    expect(kept.getValue()).toBe('kept');
    expect(seeded.getValue()).toBe('seed');
    await seeded.setValue('mine');
    expect(seeded.getValue()).toBe('mine');
    await Promise.all([kept.close(), seeded.close()]);
  });
});

describe('AtomicCounter', () => {
  it('is Curator DistributedAtomicLong compatible and returns pre/post values', async () => {
    const client = await newClient();
    const counter = new AtomicCounter(client, '/atomic');
    expect(await counter.get()).toBe(0);
    expect(await counter.increment()).toEqual({ succeeded: true, preValue: 0, postValue: 1 });
    expect(await counter.add(41)).toEqual({ succeeded: true, preValue: 1, postValue: 42 });
    expect(await counter.decrement()).toEqual({ succeeded: true, preValue: 42, postValue: 41 });
    expect(await counter.subtract(1)).toEqual({ succeeded: true, preValue: 41, postValue: 40 });
    const bytes = (await client.getData('/atomic')).data;
    expect(bytes.length).toBe(8);
    expect(bytes.readBigInt64BE(0)).toBe(40n);
    expect(await counter.compareAndSet(39, 0)).toEqual({ succeeded: false, preValue: 40, postValue: 40 });
    expect(await counter.compareAndSet(40, 100)).toEqual({ succeeded: true, preValue: 40, postValue: 100 });
    expect(await counter.trySet(-5)).toEqual({ succeeded: true, preValue: 100, postValue: -5 });
    expect(await counter.initialize(9)).toBe(false);
    expect(await new AtomicCounter(client, '/init').initialize(9)).toBe(true);
    expect(await new AtomicCounter(client, '/init').get()).toBe(9);
    await expect(counter.add(0.5)).rejects.toThrow(RangeError);
  });

  it('5 clients x 20 increments under contention: exactly 100, every post value unique', async () => {
    const first = await newClient();
    const clients = [
      first,
      ...(await Promise.all(
        Array.from({ length: 4 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
      )),
    ];
    const posts: number[] = [];
    await Promise.all(
      clients.map(async (c) => {
        const counter = new AtomicCounter(c, '/hot');
        for (let i = 0; i < 20; i++) {
          const r = await counter.increment({ timeoutMs: 20_000 });
          expect(r.succeeded).toBe(true);
          expect(r.postValue).toBe(r.preValue + 1);
          posts.push(r.postValue);
        }
      }),
    );
    expect(await new AtomicCounter(first, '/hot').get()).toBe(100);
    expect(new Set(posts).size).toBe(100);
  });
});
