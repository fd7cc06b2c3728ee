import { describe, expect, it } from 'vitest';
import {
  ClientClosedError,
  connect,
  createClient,
  InvalidArgumentError,
  type ZooKeeperClient,
} from '../../src/index.js';
import { newClient, zkConnectString } from '../support/zk.js';

/** Runs `fn`, expects InvalidArgumentError matching `message`, and that nothing was sent. */
async function rejectsBeforeSending(
  zk: ZooKeeperClient,
  fn: () => Promise<unknown>,
  message: RegExp,
): Promise<void> {
  const before = zk.stats().requests;
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect((err as Error).message).toMatch(message);
  expect(zk.stats().requests).toBe(before);
}

describe('invalid input is rejected before anything is sent', () => {
  it('bad paths', async () => {
    const zk = await newClient();
    await zk.exists('/'); // the stats counter works
    expect(zk.stats().requests).toBeGreaterThan(0);
    for (const bad of ['', 'rel', '/a/', '/a//b', '/a/./b', '/a/../b', '/a\u0000', '/a\u0001', '/\ud800']) {
      await rejectsBeforeSending(zk, () => zk.getData(bad), /invalid path/);
      await rejectsBeforeSending(zk, () => zk.create(bad), /invalid path/);
    }
    await rejectsBeforeSending(zk, () => zk.create('/q/'), /must not end with/);
    await rejectsBeforeSending(zk, () => zk.delete('/x/'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.setData('x', 'd'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.exists('/..'), /relative/);
    await rejectsBeforeSending(zk, () => zk.getChildren('//'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.sync(''), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.getACL('a'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.addWatch('/a/', () => {}), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.removeWatches('/a/', 'any'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.getEphemerals('x'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.multiRead([{ type: 'getData', path: 'x' }]), /invalid path/);
    await rejectsBeforeSending(
      zk,
      async () => zk.multi().create('/ok').delete('bad').commit(),
      /invalid path/,
    );
    await rejectsBeforeSending(zk, () => zk.deleteRecursive('/a//'), /invalid path/);
    await rejectsBeforeSending(zk, () => zk.mkdirp('/a/'), /invalid path/);
  });

  it('oversize data and requests, against a configurable limit', async () => {
    const zk = await newClient();
    const big = Buffer.alloc(1024 * 1024);
    await rejectsBeforeSending(zk, () => zk.create('/big', big), /over the limit of 1048575/);
    // Data under the limit, but the whole request over it: the server would drop the connection.
    await rejectsBeforeSending(zk, () => zk.create('/big', Buffer.alloc(1048575 - 40)), /create2 request is/);
    // Just under the real limit works.
    const fits = await zk.create('/fits', Buffer.alloc(1048575 - 200));
    expect(fits.stat.dataLength).toBe(1048375);
    await rejectsBeforeSending(zk, () => zk.setData('/big', big), /over the limit/);
    await rejectsBeforeSending(
      zk,
      async () => zk.multi().create('/a', Buffer.alloc(600_000)).create('/b', Buffer.alloc(600_000)).commit(),
      /transaction data totals/,
    );
    const small = await newClient({ connectString: `${zkConnectString()}${zk.chroot}`, maxDataBytes: 1000 });
    await rejectsBeforeSending(small, () => small.create('/s', 'x'.repeat(1001)), /over the limit of 1000/);
    await small.create('/s', 'x'.repeat(500));
  });

  it('bad ACLs', async () => {
    const zk = await newClient();
    await rejectsBeforeSending(zk, () => zk.create('/a', '', { acl: [] }), /non-empty/);
    await rejectsBeforeSending(
      zk,
      () => zk.create('/a', '', { acl: [{ perms: 64, id: { scheme: 'world', id: 'anyone' } }] }),
      /0\.\.31/,
    );
    await rejectsBeforeSending(
      zk,
      () => zk.create('/a', '', { acl: [{ perms: 31, id: { scheme: 'digest', id: 'nocolon' } }] }),
      /digest id/,
    );
    await rejectsBeforeSending(zk, () => zk.setACL('/a', []), /non-empty/);
  });

  it('bad TTLs, versions, modes and options', async () => {
    const zk = await newClient();
    await rejectsBeforeSending(zk, () => zk.create('/t', '', { mode: 'persistent-ttl' }), /requires ttlMs/);
    await rejectsBeforeSending(zk, () => zk.create('/t', '', { mode: 'persistent-ttl', ttlMs: 0 }), /ttlMs/);
    await rejectsBeforeSending(zk, () => zk.create('/t', '', { mode: 'persistent-ttl', ttlMs: -1 }), /ttlMs/);
    await rejectsBeforeSending(
      zk,
      () => zk.create('/t', '', { mode: 'persistent-ttl', ttlMs: 2 ** 40 }),
      /ttlMs/,
    );
    await rejectsBeforeSending(
      zk,
      () => zk.create('/t', '', { ttlMs: 1000 }),
      /only allowed with a TTL mode/,
    );
    await rejectsBeforeSending(
      zk,
      () => zk.create('/t', '', { mode: 'weird' as never }),
      /unknown create mode/,
    );
    await rejectsBeforeSending(zk, () => zk.setData('/t', '', { version: -2 }), /version/);
    await rejectsBeforeSending(zk, () => zk.delete('/t', { version: 1.5 }), /version/);
    await rejectsBeforeSending(zk, async () => zk.multi().check('/t', -5).commit(), /version/);
    await rejectsBeforeSending(zk, () => zk.getData('/t', { timeoutMs: -1 }), /timeoutMs/);
    await rejectsBeforeSending(zk, () => zk.removeWatches('/t', 'bogus' as never), /watch type/);
    await rejectsBeforeSending(zk, () => zk.mkdirp('/t', { mode: 'persistent-sequential' }), /sequential/);
    await rejectsBeforeSending(zk, () => zk.setData('/t', 42 as unknown as string), /data must be/);
  });

  it('bad connect strings and client options throw at once', () => {
    expect(() => createClient('')).toThrow(InvalidArgumentError);
    expect(() => createClient('host:notaport')).toThrow(InvalidArgumentError);
    expect(() => createClient('127.0.0.1:2181/bad/')).toThrow(InvalidArgumentError);
    expect(() => createClient(zkConnectString(), { sessionTimeoutMs: -1 })).toThrow(/sessionTimeoutMs/);
    expect(() => createClient(zkConnectString(), { requestTimeoutMs: Number.NaN })).toThrow(
      /requestTimeoutMs/,
    );
    expect(() => createClient(zkConnectString(), { defaultAcl: [] })).toThrow(/non-empty/);
    expect(() => createClient(zkConnectString(), { maxDataBytes: 0 })).toThrow(/maxDataBytes/);
    expect(() => createClient(zkConnectString(), { requestTimeoutMs: 1e10 })).toThrow(/requestTimeoutMs/);
    expect(() => createClient(zkConnectString(), { sessionTimeoutMs: 1e10 })).toThrow(/sessionTimeoutMs/);
    expect(() => createClient(zkConnectString(), { shuffleHosts: 'no' as unknown as boolean })).toThrow(
      /shuffleHosts must be a boolean/,
    );
    expect(() => createClient(zkConnectString(), { readCoalescing: 1 as unknown as boolean })).toThrow(
      /readCoalescing must be a boolean/,
    );
  });
});

describe('closed client', () => {
  it('rejects every operation with ClientClosedError; close and dispose are idempotent', async () => {
    const zk = await connect(zkConnectString());
    await zk.close();
    await zk.close();
    await zk[Symbol.asyncDispose]();
    expect(zk.state).toBe('closed');
    await expect(zk.exists('/')).rejects.toBeInstanceOf(ClientClosedError);
    await expect(zk.create('/x')).rejects.toBeInstanceOf(ClientClosedError);
    await expect(zk.multi().create('/x').commit()).rejects.toBeInstanceOf(ClientClosedError);
    await expect(zk.waitForConnection()).rejects.toBeInstanceOf(ClientClosedError);
    await expect(zk.addWatch('/', () => {})).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('connect() rejects when no server answers in time', async () => {
    await expect(connect('127.0.0.1:1', { connectTimeoutMs: 200, requestTimeoutMs: 800 })).rejects.toThrow();
  });

  it('state$ replays the current state to a late subscriber', async () => {
    const zk = await newClient();
    const seen: string[] = [];
    const sub = zk.state$.subscribe((s) => seen.push(s));
    sub.unsubscribe();
    expect(seen).toEqual(['connected']);
    expect(zk.sessionTimeoutMs).toBeGreaterThan(0);
    expect(zk.sessionPassword.length).toBe(16);
    expect(zk.sessionId).not.toBe(0n);
  });

  it('await using closes the client', async () => {
    let leaked: ZooKeeperClient | undefined;
    {
      await using zk = await connect(zkConnectString());
      leaked = zk;
      expect(zk.state).toBe('connected');
    }
    expect(leaked.state).toBe('closed');
  });
});

describe('AbortSignal', () => {
  it('an already-aborted signal rejects with its reason', async () => {
    const zk = await newClient();
    const reason = new Error('stop');
    await expect(zk.getData('/', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(zk.deleteRecursive('/x', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('aborting while waiting for a connection rejects with the reason', async () => {
    // Nothing listens on port 1: the client keeps trying to connect.
    const zk = createClient('127.0.0.1:1', { connectTimeoutMs: 200 });
    try {
      const ac = new AbortController();
      const pending = zk.exists('/', { signal: ac.signal });
      ac.abort(new Error('gave up'));
      await expect(pending).rejects.toThrow('gave up');
      await expect(zk.exists('/', { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await zk.close();
    }
  });
});
