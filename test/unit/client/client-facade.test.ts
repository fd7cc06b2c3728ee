import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../../src/client/acl.js';
import { type Engine, ZooKeeperClientImpl } from '../../../src/client/client-impl.js';
import type { ClientStats } from '../../../src/client/client-stats.js';
import {
  BadVersionError,
  ClientClosedError,
  errorFromCode,
  InvalidArgumentError,
  NoNodeError,
} from '../../../src/client/errors.js';
import { noopLogger } from '../../../src/client/logger.js';
import type { RawWatchEvent, WatchRegistration } from '../../../src/client/watch-manager.js';
import type { Request, Response, Stat } from '../../../src/protocol/index.js';

const STAT: Stat = {
  czxid: 1n,
  mzxid: 1n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 1n,
};

/** A fake engine: records requests and answers with `reply`. */
function fakeEngine(reply: (req: Request) => Response | Error) {
  const sent: Request[] = [];
  const watches: WatchRegistration[] = [];
  let closed = 0;
  const engine: Engine = {
    state: 'connected',
    state$: of('connected' as const),
    sessionId: 0x1234n,
    sessionPassword: Buffer.alloc(16),
    negotiatedTimeoutMs: 10_000,
    waitForConnection: async () => {},
    request: async (req, opts) => {
      sent.push(req);
      const res = reply(req);
      if (res instanceof Error) throw res;
      if (opts?.watch) watches.push(opts.watch);
      return res;
    },
    removeWatches: async () => {},
    stats: (): ClientStats => ({
      requests: sent.length,
      errors: 0,
      reconnects: 0,
      watchEvents: 0,
      bytesIn: 0,
      bytesOut: 0,
      pings: 0,
    }),
    close: async () => {
      closed++;
    },
  };
  const client = new ZooKeeperClientImpl(engine, {
    chroot: '/app',
    sessionTimeoutMs: 30_000,
    defaultAcl: OPEN_ACL_UNSAFE,
    maxDataBytes: 0xfffff,
    logger: noopLogger,
  });
  return { client, sent, watches, closes: () => closed };
}

describe('ZooKeeperClientImpl over a fake engine', () => {
  it('maps create modes to create2 / createContainer / createTTL with the chroot applied and stripped', async () => {
    const { client, sent } = fakeEngine((req) =>
      'path' in req
        ? ({ op: req.op, path: `${req.path}0000000001`, stat: STAT } as Response)
        : new Error('?'),
    );
    const r = await client.create('/a-', 'x', { mode: 'ephemeral-sequential' });
    expect(r.path).toBe('/a-0000000001');
    await client.create('/box', undefined, { mode: 'container' });
    await client.create('/ttl', undefined, { mode: 'persistent-sequential-ttl', ttlMs: 5000 });
    expect(sent.map((q) => q.op)).toEqual(['create2', 'createContainer', 'createTTL']);
    expect(sent[0]).toMatchObject({ path: '/app/a-', flags: 3, data: Buffer.from('x') });
    expect(sent[1]).toMatchObject({ path: '/app/box', flags: 4 });
    expect(sent[2]).toMatchObject({ path: '/app/ttl', flags: 6, ttl: 5000n });
  });

  it('reports server errors with the client path', async () => {
    const { client } = fakeEngine((req) => errorFromCode(-101, 'path' in req ? req.path : undefined));
    const err = await client.getData('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoNodeError);
    expect((err as NoNodeError).path).toBe('/x');
  });

  it('wraps each listener once, strips the chroot from events and drops events outside it', async () => {
    const { client, watches } = fakeEngine(() => ({ op: 'getData', data: Buffer.alloc(0), stat: STAT }));
    const seen: unknown[] = [];
    const listener = (e: unknown) => seen.push(e);
    await client.getData('/', { watch: listener });
    await client.getData('/a', { watch: listener });
    expect(watches).toHaveLength(2);
    expect(watches[0]?.listener).toBe(watches[1]?.listener);
    expect(watches[0]).toMatchObject({ kind: 'data', path: '/app' });
    const raw = watches[0]?.listener as (e: RawWatchEvent) => void;
    raw({ type: 'data-changed', path: '/app' });
    raw({ type: 'deleted', path: '/app/a', zxid: 7n });
    raw({ type: 'deleted', path: '/apple' });
    expect(seen).toEqual([
      { type: 'data-changed', path: '/' },
      { type: 'deleted', path: '/a', zxid: 7n },
    ]);
  });

  it('filters getEphemerals to the chroot', async () => {
    const { client, sent } = fakeEngine(() => ({
      op: 'getEphemerals',
      ephemerals: ['/app/e', '/apple/x', '/app'],
    }));
    expect(await client.getEphemerals()).toEqual(['/e', '/']);
    expect(sent[0]).toEqual({ op: 'getEphemerals', prefixPath: '/app' });
  });

  it('maps a failed multi to the first failing op with outcomes and client paths', async () => {
    const { client } = fakeEngine(() => ({
      op: 'multi',
      results: [
        { type: 'error', err: 0 },
        { type: 'error', err: -103 },
        { type: 'error', err: -2 },
      ],
    }));
    const err = await client
      .multi()
      .create('/a')
      .setData('/b', 'x', { version: 0 })
      .delete('/c')
      .commit()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadVersionError);
    expect(err).toMatchObject({ path: '/b', failedOpIndex: 1 });
    expect((err as BadVersionError).results).toHaveLength(3);
  });

  it('validates before sending, and refuses everything after close', async () => {
    const { client, sent, closes } = fakeEngine(() => ({ op: 'empty' }));
    await expect(client.delete('/a/')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.create('/')).rejects.toThrow(/root/);
    expect(sent).toEqual([]);
    await client.delete('/a', { version: 0 });
    expect(sent[0]).toEqual({ op: 'delete', path: '/app/a', version: 0 });
    await Promise.all([client.close(), client.close(), client[Symbol.asyncDispose]()]);
    expect(closes()).toBe(1);
    await expect(client.exists('/')).rejects.toBeInstanceOf(ClientClosedError);
    expect(() => client.multi().create('/x')).not.toThrow();
    await expect(client.multi().create('/x').commit()).rejects.toBeInstanceOf(ClientClosedError);
  });
});
