import { afterEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../recipes/config/index.js';
import { AtomicCounter, decodeInt64, encodeInt64, optimisticUpdate } from '../../recipes/shared/index.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';

const SESSION_MS = 4_000;

describe('optimistic updates when a reply is lost (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  afterEach(() => {
    for (const p of zk.ensemble.proxies) p.heal();
  });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS, requestTimeoutMs: 30_000 });
  /** Drops every server reply from now on for `ms` (requests still reach the servers). */
  function loseRepliesFor(ms: number): void {
    for (const p of zk.ensemble.proxies) p.cut('server-to-client');
    setTimeout(() => {
      for (const p of zk.ensemble.proxies) p.heal();
    }, ms);
  }

  it('ConfigStore.update whose setData reply is lost is applied exactly once', async () => {
    const { ensemble } = zk;
    const path = `/cfg-lost-${Date.now()}`;
    const c = await client(ensemble.proxiedConnectString);
    const store = new ConfigStore<{ n: number }>(c, path, { defaultValue: { n: 0 } });
    for (let i = 0; i < 3; i++) await store.update((v) => ({ n: (v?.n ?? 0) + 1 }));
    let calls = 0;
    const r = await store.update(
      (v) => {
        if (calls++ === 0) loseRepliesFor(SESSION_MS * 0.75);
        return { n: (v?.n ?? 0) + 1 };
      },
      { timeoutMs: 30_000 },
    );
    expect(calls).toBe(1); // the lost write was recognised as ours, not recomputed
    expect(r.value).toEqual({ n: 4 });
    const admin = await client(ensemble.connectString);
    await admin.sync(path);
    expect(JSON.parse((await admin.getData(path)).data.toString())).toEqual({ n: 4 });
  });

  it('AtomicCounter never hands out a value twice when a reply is lost', async () => {
    const { ensemble } = zk;
    const path = `/atomic-lost-${Date.now()}`;
    const faulty = await client(ensemble.proxiedConnectString);
    const direct = await client(ensemble.connectString);
    const a = new AtomicCounter(faulty, path);
    const b = new AtomicCounter(direct, path);
    const posts: number[] = [];
    const run = async (counter: AtomicCounter, n: number, onRound?: (i: number) => void) => {
      for (let i = 0; i < n; i++) {
        onRound?.(i);
        const r = await counter.increment({ timeoutMs: 30_000 });
        expect(r.succeeded).toBe(true);
        posts.push(r.postValue);
      }
    };
    await Promise.all([
      run(a, 10, (i) => {
        if (i === 3) loseRepliesFor(SESSION_MS * 0.75);
      }),
      run(b, 30),
    ]);
    expect(new Set(posts).size).toBe(posts.length);
    await direct.sync(path);
    const final = await b.get();
    expect(final).toBeGreaterThanOrEqual(40);
    expect(final).toBe(Math.max(...posts));
  });

  it("uncertain: 'retry' (AtomicCounter's mode) recomputes after a lost setData reply: confirmed, unique, may skip", async () => {
    const { ensemble } = zk;
    const path = `/retry-lost-${Date.now()}`;
    const c = await client(ensemble.proxiedConnectString);
    await c.create(path, encodeInt64(10));
    let calls = 0;
    const r = await optimisticUpdate(
      c,
      path,
      (bytes) => {
        if (calls++ === 0) loseRepliesFor(SESSION_MS * 0.75);
        return encodeInt64(decodeInt64(bytes ?? Buffer.alloc(0), path) + 1);
      },
      { uncertain: 'retry', timeoutMs: 30_000 },
    );
    expect(r.succeeded).toBe(true);
    expect(calls).toBe(2); // the first (applied) write could not be confirmed, so it ran again
    expect(decodeInt64(r.preValue ?? Buffer.alloc(0), path)).toBe(11);
    expect(decodeInt64(r.postValue ?? Buffer.alloc(0), path)).toBe(12);
  });
});
