import { describe, expect, it } from 'vitest';
import {
  BadVersionError,
  NodeExistsError,
  NoNodeError,
  type OpOutcome,
  RuntimeInconsistencyError,
  type ZooKeeperError,
} from '../../src/index.js';
import { newClient } from '../support/zk.js';

describe('multi()', () => {
  it('commits every op type and returns one result per op', async () => {
    const zk = await newClient();
    await zk.create('/m', 'v0');
    await zk.create('/old');
    const results = await zk
      .multi()
      .check('/m', 0)
      .create('/m/plain', 'p')
      .create('/m/seq-', 's', { mode: 'persistent-sequential' })
      .create('/m/eph', 'e', { mode: 'ephemeral' })
      .create('/m/box', '', { mode: 'container' })
      .create('/m/ttl', 't', { mode: 'persistent-ttl', ttlMs: 60_000 })
      .setData('/m', 'v1', { version: 0 })
      .delete('/old', { version: 0 })
      .commit();
    expect(results.map((r) => r.type)).toEqual([
      'check',
      'create',
      'create',
      'create',
      'create',
      'create',
      'setData',
      'delete',
    ]);
    const created = results.filter((r) => r.type === 'create');
    expect(created.map((r) => r.path).slice(0, 2)).toEqual([
      '/m/plain',
      expect.stringMatching(/^\/m\/seq-\d{10}$/),
    ]);
    // The server returns a Stat for container and TTL creates; for other creates (sent as
    // create2) ZooKeeper 3.8 answers with a plain CreateResponse, so `stat` is optional.
    expect(created[3]?.stat?.czxid).toBeGreaterThan(0n);
    expect(created[4]?.stat?.czxid).toBeGreaterThan(0n);
    for (const r of created) if (r.stat) expect(r.stat.version).toBe(0);
    expect((await zk.exists('/m/eph'))?.ephemeralOwner).toBe(zk.sessionId);
    const set = results[6];
    expect(set?.type === 'setData' && set.stat.version).toBe(1);
    expect((await zk.getData('/m')).data.toString()).toBe('v1');
    expect(await zk.exists('/old')).toBeNull();
    expect(await zk.exists('/m/box')).not.toBeNull();
  });

  it('applies nothing and reports the first failing op with every outcome', async () => {
    const zk = await newClient();
    await zk.create('/f', 'x');
    await zk.setData('/f', 'y');
    const err = await zk
      .multi()
      .create('/f/a', '1')
      .check('/f', 0) // real version 0, node is at 1
      .create('/f/b', '2')
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadVersionError);
    const zkErr = err as ZooKeeperError;
    expect(zkErr.path).toBe('/f');
    expect(zkErr.failedOpIndex).toBe(1);
    const outcomes = zkErr.results as OpOutcome[];
    expect(outcomes).toHaveLength(3);
    expect(outcomes[0]).toEqual({ type: 'error', code: 0, error: null });
    expect(outcomes[1]).toMatchObject({ type: 'error', code: -103 });
    expect(outcomes[2]).toMatchObject({ type: 'error', code: -2 });
    expect((outcomes[2] as { error: unknown }).error).toBeInstanceOf(RuntimeInconsistencyError);
    expect(await zk.exists('/f/a')).toBeNull();
  });

  it('fails with the typed error of the failing op', async () => {
    const zk = await newClient();
    await zk.create('/dup');
    const exists = await zk
      .multi()
      .create('/dup')
      .commit()
      .catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(NodeExistsError);
    expect((exists as ZooKeeperError).failedOpIndex).toBe(0);
    const missing = await zk
      .multi()
      .create('/ok')
      .delete('/nope')
      .commit()
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoNodeError);
    expect((missing as ZooKeeperError).failedOpIndex).toBe(1);
    expect(await zk.exists('/ok')).toBeNull();
  });

  it('an empty transaction commits to no results; a builder commits once', async () => {
    const zk = await newClient();
    expect(await zk.multi().commit()).toEqual([]);
    const tx = zk.multi().create('/once');
    await tx.commit();
    await expect(tx.commit()).rejects.toThrow(/already committed/);
  });
});

describe('multiRead()', () => {
  it('reads several nodes in one call with per-op errors', async () => {
    const zk = await newClient();
    await zk.create('/r', 'root');
    await zk.create('/r/a', 'A');
    await zk.create('/r/b', 'B');
    const [d, c, missing, d2] = await zk.multiRead([
      { type: 'getData', path: '/r' },
      { type: 'getChildren', path: '/r' },
      { type: 'getData', path: '/nope' },
      { type: 'getData', path: '/r/a' },
    ]);
    expect(d?.type === 'getData' && d.data.toString()).toBe('root');
    expect(c?.type === 'getChildren' && c.children.sort()).toEqual(['a', 'b']);
    expect(missing?.type).toBe('error');
    if (missing?.type === 'error') {
      expect(missing.error).toBeInstanceOf(NoNodeError);
      expect(missing.error.path).toBe('/nope');
    }
    expect(d2?.type === 'getData' && d2.data.toString()).toBe('A');
    expect(await zk.multiRead([])).toEqual([]);
  });
});
