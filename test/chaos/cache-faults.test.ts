import { afterEach, describe, expect, it } from 'vitest';
import { isRetryable, type SessionState, type ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { TreeCache, type TreeEvent, utf8, watchData } from '../../recipes/cache/index.js';
import { ConfigStore } from '../../recipes/config/index.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';
import { collect, readTree } from '../recipes/cache/cache-test-helpers.js';

const SESSION_MS = 3_000;

function replay(events: TreeEvent<string>[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'added') {
      expect(m.has(e.path), `phantom add ${e.path}`).toBe(false);
      m.set(e.path, e.data);
    } else if (e.type === 'updated') {
      expect(m.has(e.path), `phantom update ${e.path}`).toBe(true);
      m.set(e.path, e.data);
    } else if (e.type === 'removed') {
      expect(m.has(e.path), `phantom remove ${e.path}`).toBe(true);
      m.delete(e.path);
    }
  }
  return m;
}

/** Retries a write through the connection losses of a leader election. */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 50 || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function waitState(client: ZooKeeperClient, want: SessionState, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${want}' within ${timeoutMs} ms`)), timeoutMs);
    const sub = client.state$.subscribe((s) => {
      if (s === want) {
        clearTimeout(t);
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      }
    });
  });
}

describe('caches under server kills and session expiry (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  afterEach(async () => {
    for (const p of zk.ensemble.proxies) p.heal();
    for (const s of zk.ensemble.servers) if (s.state !== 'running') await zk.ensemble.start(s.index);
    await zk.ensemble.waitForQuorum({ timeoutMs: 30_000 });
  });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS });
  const hostsOf = (indexes: number[]) =>
    indexes.map((i) => `${zk.ensemble.servers[i]?.host}:${zk.ensemble.servers[i]?.port}`).join(',');

  it('watchData across a server kill: ends with the true value, strictly increasing versions', async () => {
    const { ensemble } = zk;
    const path = `/kill-${Date.now()}`;
    const writer = await client(hostsOf([2]));
    await writer.create(path, '0');
    const watcher = await client(hostsOf([0, 1]));
    const seen = collect(watchData(watcher, path, { decode: utf8 }));
    await eventually(() => expect(seen.values.length).toBe(1));
    for (let i = 1; i <= 5; i++) await writer.setData(path, String(i));
    await eventually(() => expect(seen.values.at(-1)?.data).toBe('5'));
    await ensemble.kill(0);
    for (let i = 6; i <= 15; i++) await retrying(() => writer.setData(path, String(i)));
    await ensemble.start(0);
    await ensemble.kill(1);
    for (let i = 16; i <= 20; i++) await retrying(() => writer.setData(path, String(i)));
    await eventually(() => expect(seen.values.at(-1)?.data).toBe('20'), { timeoutMs: 30_000 });
    const versions = seen.values.map((v) => v?.stat.version ?? -1);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1] as number);
    expect(seen.error).toBeUndefined();
    seen.sub.unsubscribe();
  });

  it('watchData across a session expiry: new session, true final value, no phantom values', async () => {
    const { ensemble } = zk;
    const path = `/expire-${Date.now()}`;
    const writer = await client(ensemble.connectString);
    await writer.create(path, 'a');
    const watcher = await client(ensemble.connectString);
    const seen = collect(watchData(watcher, path, { decode: utf8 }));
    await eventually(() => expect(seen.values.length).toBe(1));
    const oldSession = watcher.sessionId;
    const lost = waitState(watcher, 'lost');
    await expireSession(watcher, { connectString: ensemble.connectString });
    await writer.setData(path, 'b');
    await writer.delete(path);
    await writer.create(path, 'c');
    await lost;
    await eventually(() => expect(watcher.sessionId).not.toBe(oldSession), { timeoutMs: 20_000 });
    await eventually(() => expect(seen.values.at(-1)?.data).toBe('c'), { timeoutMs: 20_000 });
    const datas = seen.values.map((v) => v?.data ?? null);
    expect(datas[0]).toBe('a');
    // Each value differs from the one before it (no repeats), and nothing was made up.
    for (let i = 1; i < datas.length; i++)
      expect(seen.values[i]?.stat.mzxid).not.toBe(seen.values[i - 1]?.stat.mzxid);
    for (const d of datas) expect(['a', 'b', 'c', null]).toContain(d);
    await writer.setData(path, 'd');
    await eventually(() => expect(seen.values.at(-1)?.data).toBe('d'));
    seen.sub.unsubscribe();
  });

  for (const watchMode of ['persistent', 'one-shot'] as const) {
    it(`TreeCache (${watchMode}) across a session expiry and a partition: equals a full read, no phantom events`, async () => {
      const { ensemble } = zk;
      const root = `/tree-${watchMode}-${Date.now()}`;
      const writer = await client(ensemble.connectString);
      await writer.create(root, 'root');
      for (let i = 0; i < 20; i++) await writer.create(`${root}/n${i}`, `v0-${i}`);
      const watcher = await client(ensemble.proxiedConnectString);
      const cache = new TreeCache(watcher, root, { decode: utf8, watchMode });
      const events = collect(cache.events$);
      await cache.start({ timeoutMs: 10_000 });

      // 1) a short partition (same session): changes made meanwhile are found by the resync
      for (const p of ensemble.proxies) p.blackhole();
      await waitState(watcher, 'suspended');
      await writer.setData(`${root}/n1`, 'v1-1');
      await writer.delete(`${root}/n2`);
      await writer.create(`${root}/new-a`, 'a');
      await writer.delete(`${root}/n3`);
      await writer.create(`${root}/n3`, 'recreated');
      for (const p of ensemble.proxies) p.heal();
      await eventually(() => expect(events.values.filter((e) => e.type === 'resynced').length).toBe(1), {
        timeoutMs: 20_000,
      });

      // 2) a session expiry: every watch is gone; the new session re-arms and resyncs
      const oldSession = watcher.sessionId;
      await expireSession(watcher, { connectString: ensemble.connectString });
      await writer.setData(`${root}/n4`, 'v1-4');
      await writer.create(`${root}/new-b`, 'b');
      await writer.delete(`${root}/n5`);
      await eventually(() => expect(watcher.sessionId).not.toBe(oldSession), { timeoutMs: 20_000 });
      await eventually(() => expect(events.values.filter((e) => e.type === 'resynced').length).toBe(2), {
        timeoutMs: 20_000,
      });
      await writer.setData(`${root}/n6`, 'after');
      await writer.create(`${root}/new-c`, 'c');

      await eventually(
        async () => {
          const truth = await readTree(writer, root);
          expect(new Map([...cache.current].map(([p, n]) => [p, n.data]))).toEqual(
            new Map([...truth].map(([p, n]) => [p, n.data])),
          );
        },
        { timeoutMs: 20_000 },
      );
      const nodeEvents = events.values.filter((e) => e.type !== 'initialized' && e.type !== 'resynced');
      expect(replay(nodeEvents as TreeEvent<string>[])).toEqual(
        new Map([...cache.current].map(([p, n]) => [p, n.data])),
      );
      // The re-created node was reported as removed + added (new czxid), not as a silent update.
      const n3 = nodeEvents.filter((e) => 'path' in e && e.path === `${root}/n3`).map((e) => e.type);
      expect(n3).toEqual(['added', 'removed', 'added']);
      // Unchanged nodes produced no events after the initial sync.
      const n10 = nodeEvents.filter((e) => 'path' in e && e.path === `${root}/n10`).map((e) => e.type);
      expect(n10).toEqual(['added']);
      events.sub.unsubscribe();
      await cache.close();
    });
  }

  it('TreeCache across a server kill (reconnect to another server): equals a full read, no phantom events', async () => {
    const { ensemble } = zk;
    const root = `/tree-kill-${Date.now()}`;
    const writer = await client(hostsOf([2]));
    await writer.create(root, 'root');
    for (let i = 0; i < 30; i++) await writer.create(`${root}/n${i}`, `v0-${i}`);
    const watcher = await client(hostsOf([0]));
    const cache = new TreeCache(watcher, root, { decode: utf8 });
    const events = collect(cache.events$);
    await cache.start({ timeoutMs: 10_000 });
    // the watcher's only server dies; the rest of the ensemble keeps quorum and takes writes
    await ensemble.kill(0);
    await waitState(watcher, 'suspended');
    for (let i = 0; i < 10; i++) await retrying(() => writer.setData(`${root}/n${i}`, `v1-${i}`));
    for (let i = 10; i < 15; i++) await retrying(() => writer.delete(`${root}/n${i}`));
    for (let i = 0; i < 5; i++) await retrying(() => writer.create(`${root}/m${i}`, `new-${i}`));
    await ensemble.start(0);
    await eventually(
      async () => {
        const truth = await readTree(writer, root);
        expect(new Map([...cache.current].map(([p, n]) => [p, n.data]))).toEqual(
          new Map([...truth].map(([p, n]) => [p, n.data])),
        );
      },
      { timeoutMs: 30_000 },
    );
    expect(events.values.some((e) => e.type === 'resynced')).toBe(true);
    const nodeEvents = events.values.filter((e) => e.type !== 'initialized' && e.type !== 'resynced');
    expect(replay(nodeEvents as TreeEvent<string>[])).toEqual(
      new Map([...cache.current].map(([p, n]) => [p, n.data])),
    );
    const untouched = nodeEvents.filter((e) => 'path' in e && e.path === `${root}/n20`).map((e) => e.type);
    expect(untouched).toEqual(['added']);
    events.sub.unsubscribe();
    await cache.close();
  });

  it('ConfigStore: stale with a growing age while suspended, fresh again after the re-read', async () => {
    const { ensemble } = zk;
    const path = `/config-${Date.now()}`;
    const writer = await client(ensemble.connectString);
    await writer.create(path, JSON.stringify({ v: 1 }));
    const reader = await client(ensemble.proxiedConnectString);
    const store = new ConfigStore<{ v: number }>(reader, path);
    const seen = collect(store.config$);
    await store.start({ timeoutMs: 5_000 });
    expect(seen.values.at(-1)).toMatchObject({ value: { v: 1 }, stale: false });
    for (const p of ensemble.proxies) p.blackhole();
    await eventually(() => expect(seen.values.at(-1)?.stale).toBe(true), { timeoutMs: 10_000 });
    await writer.setData(path, JSON.stringify({ v: 2 }));
    await new Promise((r) => setTimeout(r, 100));
    expect(store.snapshotAgeMs).toBeGreaterThanOrEqual(100);
    expect(await store.get()).toEqual({ v: 1 });
    for (const p of ensemble.proxies) p.heal();
    await eventually(() => expect(seen.values.at(-1)).toMatchObject({ value: { v: 2 }, stale: false }), {
      timeoutMs: 20_000,
    });
    expect(store.snapshotAgeMs).toBe(0);
    const values = seen.values.map((s) => s.value?.v);
    expect(values.filter((v, i) => i === 0 || v !== values[i - 1])).toEqual([1, 2]);
    await store.close();
  });
});
