import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  NoNodeError,
  RequestTimeoutError,
  SessionExpiredError,
} from '../../../src/client/errors.js';
import type { Logger } from '../../../src/client/logger.js';
import { exponentialBackoff, type RetryPolicy } from '../../../src/client/retry-policy.js';
import { type EngineOptions, SessionEngine } from '../../../src/client/session-engine.js';
import type { SaslMechanism } from '../../../src/client/sasl-mechanism.js';
import type { SessionState } from '../../../src/client/types.js';
import type { RawWatchEvent } from '../../../src/client/watch-manager.js';
import { FakeZk, STAT, until } from './fake-zk.js';

const engines: SessionEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const silent: Logger = process.env.ZK_DEBUG
  ? {
      debug() {},
      info: (m, f) => console.log(performance.now().toFixed(0), m, f),
      warn: (m, f) => console.log(performance.now().toFixed(0), m, f),
      error: (m, f) => console.log(performance.now().toFixed(0), m, f),
    }
  : { debug() {}, info() {}, warn() {}, error() {} };

function makeEngine(
  zk: FakeZk,
  over: Partial<EngineOptions> = {},
): { engine: SessionEngine; states: SessionState[] } {
  const engine = new SessionEngine({
    hosts: [
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
      { host: 'c', port: 3 },
    ],
    sessionTimeoutMs: 3000,
    connectTimeoutMs: 500,
    requestTimeoutMs: 0,
    retryPolicy: exponentialBackoff({ baseMs: 10, maxMs: 50 }),
    auth: [],
    canBeReadOnly: false,
    renewSessionOnExpiry: true,
    logger: silent,
    transport: zk.transport,
    shuffleHosts: false,
    ...over,
  });
  engines.push(engine);
  const states: SessionState[] = [];
  engine.state$.subscribe((s) => states.push(s));
  return { engine, states };
}

describe('SessionEngine handshake and requests', () => {
  it('connects, sends the readOnly byte, and answers requests in order', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk, { canBeReadOnly: true });
    expect(engine.state).toBe('connecting');
    const early = engine.request({ op: 'getData', path: '/a', watch: false });
    const c = await zk.conn(0);
    expect(c.frames[0]).toEqual({
      kind: 'connect',
      req: expect.objectContaining({ sessionId: 0n, timeOut: 3000, readOnly: true, lastZxidSeen: 0n }),
    });
    c.handshake({ sessionId: 0xabcn, timeOut: 2000 });
    await engine.waitForConnection();
    expect(states).toEqual(['connecting', 'connected']);
    expect(engine.sessionId).toBe(0xabcn);
    expect(engine.negotiatedTimeoutMs).toBe(2000);
    expect(engine.sessionPassword).toEqual(Buffer.alloc(16, 7));
    const r1 = await c.waitRequest('getData');
    const second = engine.request({ op: 'exists', path: '/b', watch: false });
    const r2 = await c.waitRequest('exists');
    expect(r2.xid).toBe(r1.xid + 1);
    c.reply(r1.xid, { op: 'getData', data: Buffer.from('x'), stat: STAT }, 0, 42n);
    c.reply(r2.xid, undefined, -101);
    await expect(early).resolves.toMatchObject({ op: 'getData', data: Buffer.from('x') });
    const err = await second.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoNodeError);
    expect((err as NoNodeError).path).toBe('/b');
    expect(engine.lastZxidSeen).toBe(42n);
    expect(engine.stats()).toMatchObject({ requests: 2, errors: 1, reconnects: 0 });
  });

  it('fails every pending and unsent request with ConnectionLossError on an xid mismatch, then re-attaches', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 77n, passwd: Buffer.alloc(16, 3) });
    await engine.waitForConnection();
    const ps = Array.from({ length: 5 }, (_, i) => engine.request({ op: 'sync', path: `/p${i}` }));
    await c.waitFrames(6);
    c.reply(9999, { op: 'sync', path: '/x' }, 0, 50n);
    const results = await Promise.allSettled(ps);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConnectionLossError);
    }
    expect(states).toContain('suspended');
    const c2 = await zk.conn(1);
    expect(c2.host).not.toEqual(c.host);
    expect(c2.frames[0]).toMatchObject({
      kind: 'connect',
      req: { sessionId: 77n, passwd: Buffer.alloc(16, 3), lastZxidSeen: 50n },
    });
    c2.handshake({ sessionId: 77n });
    await until(() => engine.state === 'reconnected');
    expect(states).toEqual(['connecting', 'connected', 'suspended', 'reconnected']);
    expect(engine.stats().reconnects).toBe(1);
  });

  it('recovers from a disconnect in the middle of a frame with fresh framing state', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake();
    await engine.waitForConnection();
    const p = engine.request({ op: 'getData', path: '/big', watch: false });
    const { xid } = await c.waitRequest('getData');
    const { encodeReply } = await import('../../../src/protocol/index.js');
    const full = encodeReply(
      { xid, zxid: 5n, err: 0 },
      { op: 'getData', data: Buffer.alloc(200_000, 1), stat: STAT },
    );
    c.send(full.subarray(0, 100_000));
    c.cut();
    await expect(p).rejects.toBeInstanceOf(ConnectionLossError);
    const c2 = await zk.conn(1);
    c2.handshake();
    await until(() => engine.state === 'reconnected');
    const p2 = engine.request({ op: 'getData', path: '/small', watch: false });
    const r = await c2.waitRequest('getData');
    c2.reply(r.xid, { op: 'getData', data: Buffer.from('ok'), stat: STAT });
    await expect(p2).resolves.toMatchObject({ data: Buffer.from('ok') });
  });

  it('sends auth, then setWatches, then queued requests after a reconnect', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { auth: [{ scheme: 'digest', auth: Buffer.from('u:p') }] });
    const c = await zk.conn(0);
    c.handshake({ sessionId: 5n });
    await engine.waitForConnection();
    const auth0 = await c.waitRequest('auth');
    expect(auth0.xid).toBe(-4);
    c.reply(-4);
    const addAuth = engine.request({ op: 'auth', type: 0, scheme: 'digest', auth: Buffer.from('v:q') });
    const a2 = await c.waitRequest('auth');
    expect(a2.xid).toBe(-4);
    c.reply(-4);
    await addAuth;
    const events: RawWatchEvent[] = [];
    const w = engine.request(
      { op: 'getData', path: '/w', watch: true },
      { watch: { kind: 'data', path: '/w', listener: (e) => events.push(e) } },
    );
    const g = await c.waitRequest('getData');
    c.reply(g.xid, { op: 'getData', data: Buffer.alloc(0), stat: STAT }, 0, 90n);
    await w;
    c.cut();
    await until(() => engine.state === 'suspended');
    const queued = engine.request({ op: 'getData', path: '/secret', watch: false });
    const c2 = await zk.conn(1);
    c2.handshake({ sessionId: 5n });
    await c2.waitFrames(5);
    const ops = c2.frames.map((f) => (f.kind === 'connect' ? 'connect' : `${f.req.op}:${f.xid}`));
    expect(ops[0]).toBe('connect');
    expect(ops.slice(1, 3)).toEqual(['auth:-4', 'auth:-4']);
    expect(ops[3]).toBe('setWatches:-8');
    expect(ops[4]).toMatch(/^getData:\d+$/);
    expect(c2.frames.length).toBe(5);
    const sw = c2.requests.find((r) => r.req.op === 'setWatches')!.req;
    expect(sw).toMatchObject({ relativeZxid: 90n, dataWatches: ['/w'], existWatches: [], childWatches: [] });
    c2.reply(-4);
    c2.reply(-4);
    c2.reply(-8);
    const q = await c2.waitRequest('getData');
    c2.reply(q.xid, { op: 'getData', data: Buffer.from('s'), stat: STAT });
    await expect(queued).resolves.toMatchObject({ data: Buffer.from('s') });
    c2.notify(3, '/w');
    await until(() => events.length === 1);
    expect(events[0]).toEqual({ type: 'data-changed', path: '/w' });
  });

  it('never duplicates auth or setWatches across failed attempts', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { auth: [{ scheme: 'digest', auth: Buffer.from('u:p') }] });
    const c = await zk.conn(0);
    c.handshake({ sessionId: 5n });
    await engine.waitForConnection();
    c.reply(-4);
    c.cut();
    // two attempts fail during the handshake, the third succeeds
    (await zk.conn(1)).cut();
    (await zk.conn(2)).cut();
    const c4 = await zk.conn(3);
    c4.handshake({ sessionId: 5n });
    await until(() => engine.state === 'reconnected');
    await new Promise((r) => setTimeout(r, 30));
    expect(c4.requests.map((r) => r.req.op)).toEqual(['auth']);
  });

  it('batches setWatches so that each packet stays under 128 KB', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 5n });
    await engine.waitForConnection();
    const n = 6000;
    const listener = () => {};
    const paths = Array.from(
      { length: n },
      (_, i) => `/watched/${String(i).padStart(6, '0')}-${'x'.repeat(30)}`,
    );
    const ps = paths.map((path) =>
      engine.request({ op: 'exists', path, watch: true }, { watch: { kind: 'exist', path, listener } }),
    );
    await c.waitFrames(n + 1);
    for (const r of c.requests) c.reply(r.xid, undefined, -101);
    await Promise.allSettled(ps);
    c.cut();
    const c2 = await zk.conn(1);
    c2.handshake({ sessionId: 5n });
    await until(() => c2.requests.length >= 2);
    await new Promise((r) => setTimeout(r, 30));
    const batches = c2.requests.map((r) => r.req);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    const all: string[] = [];
    const { encodeRequest } = await import('../../../src/protocol/index.js');
    for (const b of batches) {
      expect(b.op).toBe('setWatches');
      if (b.op !== 'setWatches') continue;
      expect(encodeRequest(-8, b).length).toBeLessThan(128 * 1024);
      all.push(...b.existWatches, ...b.dataWatches, ...b.childWatches);
    }
    expect(all.sort()).toEqual([...paths].sort());
    expect(engine.state).toBe('reconnected');
  });
});

describe('SessionEngine SASL', () => {
  // A toy mechanism: sends 'hello', expects the challenge 'ok', then is complete.
  const toy: SaslMechanism = {
    name: 'TOY',
    principal: 'toy',
    start() {
      let complete = false;
      return {
        initialResponse: () => Buffer.from('hello'),
        evaluateChallenge(challenge) {
          if (Buffer.from(challenge).toString() !== 'ok') throw new Error('server did not say ok');
          complete = true;
          return null;
        },
        get complete() {
          return complete;
        },
      };
    },
  };

  it('runs SASL first on every connection; auth, requests and the connected state wait for it', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk, {
      sasl: toy,
      auth: [{ scheme: 'digest', auth: Buffer.from('u:p') }],
    });
    const early = engine.request({ op: 'exists', path: '/a', watch: false });
    const c = await zk.conn(0);
    c.handshake();
    const sasl = await c.waitRequest('sasl');
    expect(sasl.req).toEqual({ op: 'sasl', token: Buffer.from('hello') });
    await new Promise((r) => setImmediate(r));
    expect(c.requests.map((r) => r.req.op)).toEqual(['sasl']);
    expect(states).toEqual(['connecting']);
    c.reply(sasl.xid, { op: 'sasl', token: Buffer.from('ok') });
    await engine.waitForConnection();
    expect(states).toEqual(['connecting', 'connected']);
    await c.waitRequest('exists');
    expect(c.requests.map((r) => r.req.op)).toEqual(['sasl', 'auth', 'exists']);
    c.reply(c.requests[2]!.xid, { op: 'exists', stat: STAT });
    await early;
    // a new connection authenticates again before anything else
    c.cut();
    const c2 = await zk.conn(1);
    c2.handshake();
    const again = await c2.waitRequest('sasl');
    c2.reply(again.xid, { op: 'sasl', token: Buffer.from('ok') });
    await until(() => engine.state === 'reconnected');
    expect(c2.requests[0]?.req.op).toBe('sasl');
  });

  it('closes with AuthFailedError when the server refuses or the mechanism distrusts the server', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { sasl: toy });
    const c = await zk.conn(0);
    c.handshake();
    const sasl = await c.waitRequest('sasl');
    c.reply(sasl.xid, undefined, -115);
    await expect(engine.waitForConnection()).rejects.toBeInstanceOf(AuthFailedError);
    expect(engine.state).toBe('closed');
    const zk2 = new FakeZk();
    const second = makeEngine(zk2, { sasl: toy }).engine;
    const d = await zk2.conn(0);
    d.handshake();
    const s2 = await d.waitRequest('sasl');
    d.reply(s2.xid, { op: 'sasl', token: Buffer.from('not ok') });
    const err = await second.waitForConnection().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect((err as Error).message).toMatch(/did not say ok/);
  });
});

describe('SessionEngine expiry', () => {
  it('goes lost on an expired handshake, tells watches once, fails queued requests, and renews', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 9n });
    await engine.waitForConnection();
    const events: RawWatchEvent[] = [];
    const listener = (e: RawWatchEvent) => events.push(e);
    const w = engine.request(
      { op: 'getChildren', path: '/p', watch: true },
      { watch: { kind: 'child', path: '/p', listener } },
    );
    const g = await c.waitRequest('getChildren');
    c.reply(g.xid, { op: 'getChildren', children: [] });
    await w;
    c.cut();
    await until(() => engine.state === 'suspended');
    const queued = engine.request({ op: 'sync', path: '/q' });
    const c2 = await zk.conn(1);
    expect(c2.frames[0]).toMatchObject({ req: { sessionId: 9n } });
    c2.handshake({ timeOut: 0, sessionId: 0n });
    await expect(queued).rejects.toBeInstanceOf(SessionExpiredError);
    const c3 = await zk.conn(2);
    expect(c3.frames[0]).toMatchObject({ req: { sessionId: 0n, passwd: Buffer.alloc(16) } });
    c3.handshake({ sessionId: 10n });
    await until(() => engine.state === 'reconnected');
    expect(states).toEqual(['connecting', 'connected', 'suspended', 'lost', 'reconnected']);
    expect(events).toEqual([{ type: 'session-lost', path: '/p' }]);
    expect(engine.sessionId).toBe(10n);
    await new Promise((r) => setTimeout(r, 20));
    expect(c3.requests).toEqual([]);
  });

  it('declares the session lost when no server answers within the session timeout', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk, { retryPolicy: exponentialBackoff({ baseMs: 20, maxMs: 40 }) });
    const c = await zk.conn(0);
    c.handshake({ sessionId: 9n, timeOut: 400 });
    await engine.waitForConnection();
    for (const h of ['a:1', 'b:2', 'c:3']) zk.modes.set(h, 'refuse');
    const t0 = Date.now();
    c.cut();
    await until(() => engine.state === 'lost', 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    for (const h of ['a:1', 'b:2', 'c:3']) zk.modes.set(h, 'accept');
    await until(() => zk.conns.at(-1)!.frames.length > 0 && !zk.conns.at(-1)!.closed);
    const last = zk.conns.at(-1)!;
    expect(last.frames[0]).toMatchObject({ req: { sessionId: 0n } });
    last.handshake({ sessionId: 11n });
    await until(() => engine.state === 'reconnected');
    expect(states.slice(-3)).toEqual(['suspended', 'lost', 'reconnected']);
  });

  it('stays lost without renewSessionOnExpiry', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { renewSessionOnExpiry: false });
    const c = await zk.conn(0);
    c.handshake({ sessionId: 9n });
    await engine.waitForConnection();
    c.cut();
    const c2 = await zk.conn(1);
    c2.handshake({ timeOut: 0, sessionId: 0n });
    await until(() => engine.state === 'lost');
    await expect(engine.request({ op: 'sync', path: '/' })).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(engine.waitForConnection()).rejects.toBeInstanceOf(SessionExpiredError);
    await new Promise((r) => setTimeout(r, 50));
    expect(zk.conns.length).toBe(2);
  });
});

describe('SessionEngine timeouts', () => {
  it('declares a silent server dead after 2/3 of the session timeout, and pings an idle one', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ timeOut: 600 });
    await engine.waitForConnection();
    // answer pings for a while: the connection must stay up
    const stop = Date.now() + 700;
    let answered = 0;
    while (Date.now() < stop) {
      const pings = c.requests.filter((r) => r.req.op === 'ping').length;
      while (answered < pings) {
        c.reply(-2);
        answered++;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(engine.state).toBe('connected');
    const silentSince = Date.now();
    await until(() => engine.state === 'suspended', 2000);
    const elapsed = Date.now() - silentSince;
    expect(elapsed).toBeLessThan(600);
    expect(engine.stats().pings).toBeGreaterThanOrEqual(2);
  });

  it('times out a connect attempt whose handshake never comes and tries the next host', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { connectTimeoutMs: 150 });
    const c = await zk.conn(0);
    const t0 = Date.now();
    const c2 = await zk.conn(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(120);
    expect(c.destroyedByClient).toBe(true);
    expect(c2.host).toEqual({ host: 'b', port: 2 });
    c2.handshake();
    await engine.waitForConnection();
  });

  it('consumes the reply of a timed-out or aborted request without breaking xid matching', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake();
    await engine.waitForConnection();
    const slow = engine.request({ op: 'sync', path: '/slow' }, { timeoutMs: 30 });
    const ac = new AbortController();
    const aborted = engine.request({ op: 'sync', path: '/ab' }, { signal: ac.signal });
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    await expect(slow).rejects.toBeInstanceOf(RequestTimeoutError);
    const next = engine.request({ op: 'sync', path: '/next' });
    await c.waitFrames(4);
    for (const r of c.requests) c.reply(r.xid, { op: 'sync', path: (r.req as { path: string }).path });
    await expect(next).resolves.toEqual({ op: 'sync', path: '/next' });
    expect(engine.state).toBe('connected');
  });

  it('rejects a request waiting for a connection when its timeout passes', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { requestTimeoutMs: 50 });
    await expect(engine.request({ op: 'sync', path: '/' })).rejects.toBeInstanceOf(RequestTimeoutError);
    await expect(engine.waitForConnection({ timeoutMs: 30 })).rejects.toBeInstanceOf(RequestTimeoutError);
    const ac = new AbortController();
    ac.abort();
    await expect(engine.request({ op: 'sync', path: '/' }, { signal: ac.signal })).rejects.toBe(
      ac.signal.reason,
    );
  });
});

describe('SessionEngine backoff', () => {
  it('keeps backing off through connect-then-kicked loops', async () => {
    const zk = new FakeZk();
    const calls: number[] = [];
    const policy: RetryPolicy = {
      delayMs(n) {
        calls.push(n);
        return 5;
      },
    };
    const { engine } = makeEngine(zk, { retryPolicy: policy });
    for (let i = 0; i < 9; i++) {
      const c = await zk.conn(i);
      c.handshake({ sessionId: 5n });
      await until(() => engine.state !== 'connecting' || i > 0);
      c.cut();
      await until(() => c.closed);
    }
    await zk.conn(9);
    expect(calls).toEqual([1, 2, 3]);
  });

  it('closes with ConnectionLossError when the retry policy gives up', async () => {
    const zk = new FakeZk();
    for (const h of ['a:1', 'b:2', 'c:3']) zk.modes.set(h, 'refuse');
    const { engine } = makeEngine(zk, {
      retryPolicy: exponentialBackoff({ baseMs: 1, maxMs: 1, maxAttempts: 1 }),
    });
    const p = engine.request({ op: 'sync', path: '/' });
    await expect(p).rejects.toBeInstanceOf(ConnectionLossError);
    expect(engine.state).toBe('closed');
    expect(zk.conns.length).toBe(6);
    await expect(engine.request({ op: 'sync', path: '/' })).rejects.toBeInstanceOf(ClientClosedError);
  });
});

describe('SessionEngine auth, read-only, close', () => {
  it('closes with AuthFailedError when the configured auth is rejected', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk, { auth: [{ scheme: 'bogus', auth: Buffer.from('x') }] });
    const c = await zk.conn(0);
    const queued = engine.request({ op: 'sync', path: '/' });
    c.handshake();
    await c.waitRequest('auth');
    c.reply(-4, undefined, -115);
    await expect(queued).rejects.toBeInstanceOf(AuthFailedError);
    expect(engine.state).toBe('closed');
    await expect(engine.waitForConnection()).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('enters read-only and sends sessionId 0 until a read/write server was seen', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk, { canBeReadOnly: true, hosts: [{ host: 'a', port: 1 }] });
    const c = await zk.conn(0);
    c.handshake({ sessionId: 0x55n, readOnly: true });
    await engine.waitForConnection();
    expect(engine.state).toBe('read-only');
    c.cut();
    const c2 = await zk.conn(1);
    expect(c2.frames[0]).toMatchObject({ req: { sessionId: 0n, readOnly: true } });
    c2.handshake({ sessionId: 0x66n, readOnly: false });
    await until(() => engine.state === 'connected');
    expect(states).toEqual(['connecting', 'read-only', 'suspended', 'connected']);
  });

  it('close() sends closeSession, lets earlier replies land, fails the rest, and is idempotent', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 5n });
    await engine.waitForConnection();
    const events: RawWatchEvent[] = [];
    const w = engine.request(
      { op: 'exists', path: '/x', watch: true },
      { watch: { kind: 'exist', path: '/x', listener: (e) => events.push(e) } },
    );
    const e = await c.waitRequest('exists');
    c.reply(e.xid, undefined, -101);
    await w.catch(() => {});
    c.autoCloseSession = false;
    const inflight = engine.request({ op: 'sync', path: '/a' });
    const closing = engine.close();
    const again = engine.close();
    const s = await c.waitRequest('sync');
    const cs = await c.waitRequest('closeSession');
    expect(cs.xid).toBe(s.xid + 1);
    c.reply(s.xid, { op: 'sync', path: '/a' });
    c.reply(cs.xid);
    await closing;
    await again;
    await expect(inflight).resolves.toEqual({ op: 'sync', path: '/a' });
    expect(engine.state).toBe('closed');
    expect(states.at(-1)).toBe('closed');
    await expect(engine.request({ op: 'sync', path: '/' })).rejects.toBeInstanceOf(ClientClosedError);
    await until(() => events.length === 1);
    expect(events).toEqual([{ type: 'closed', path: '/x' }]);
  });

  it('close() without a server fails queued requests with ClientClosedError', async () => {
    const zk = new FakeZk();
    zk.modes.set('a:1', 'blackhole');
    const { engine } = makeEngine(zk, { hosts: [{ host: 'a', port: 1 }] });
    const p = engine.request({ op: 'sync', path: '/' });
    await zk.conn(0);
    await engine.close();
    await expect(p).rejects.toBeInstanceOf(ClientClosedError);
  });

  it('arms a one-shot watch only locally when a persistent watch covers its path', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake();
    await engine.waitForConnection();
    const per: RawWatchEvent[] = [];
    const once: RawWatchEvent[] = [];
    const add = engine.request(
      { op: 'addWatch', path: '/p', mode: 0 },
      { watch: { kind: 'persistent', path: '/p', listener: (e) => per.push(e) } },
    );
    const a = await c.waitRequest('addWatch');
    c.reply(a.xid, { op: 'empty' });
    await add;
    const get = engine.request(
      { op: 'getData', path: '/p', watch: true },
      { watch: { kind: 'data', path: '/p', listener: (e) => once.push(e) } },
    );
    const g = await c.waitRequest('getData');
    expect(g.req).toMatchObject({ op: 'getData', path: '/p', watch: false });
    c.reply(g.xid, { op: 'getData', data: Buffer.alloc(0), stat: STAT });
    await get;
    c.notify(3, '/p');
    c.notify(3, '/p');
    await until(() => per.length === 2);
    expect(once).toEqual([{ type: 'data-changed', path: '/p' }]);
  });

  it('tracks lastZxidSeen from replies and 3.9 notifications, never from -1', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake();
    await engine.waitForConnection();
    const p = engine.request({ op: 'sync', path: '/' });
    const r = await c.waitRequest('sync');
    c.reply(r.xid, { op: 'sync', path: '/' }, 0, 100n);
    await p;
    c.notify(1, '/x', -1n);
    await new Promise((res) => setTimeout(res, 10));
    expect(engine.lastZxidSeen).toBe(100n);
    c.notify(1, '/x', 150n);
    await until(() => engine.lastZxidSeen === 150n);
    expect(engine.stats().watchEvents).toBe(2);
  });

  it('rejects a user addAuth with AuthFailedError without closing the client', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 3n });
    await engine.waitForConnection();
    const auth = engine.request({ op: 'auth', type: 0, scheme: 'bogus', auth: Buffer.from('x') });
    await c.waitRequest('auth');
    c.reply(-4, undefined, -115);
    c.cut();
    await expect(auth).rejects.toBeInstanceOf(AuthFailedError);
    const c2 = await zk.conn(1);
    expect(c2.frames[0]).toMatchObject({ req: { sessionId: 3n } });
    c2.handshake({ sessionId: 3n });
    await until(() => engine.state === 'reconnected');
    await new Promise((res) => setTimeout(res, 20));
    expect(c2.requests).toEqual([]);
  });

  it('fails an unencodable request alone, without touching the connection', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const queuedBad = engine.request({ op: 'nonsense' } as unknown as Parameters<
      SessionEngine['request']
    >[0]);
    const queuedGood = engine.request({ op: 'sync', path: '/q' });
    const c = await zk.conn(0);
    c.handshake();
    await expect(queuedBad).rejects.toThrow();
    const s = await c.waitRequest('sync');
    c.reply(s.xid, { op: 'sync', path: '/q' });
    await expect(queuedGood).resolves.toEqual({ op: 'sync', path: '/q' });
    await expect(
      engine.request({ op: 'nonsense' } as unknown as Parameters<SessionEngine['request']>[0]),
    ).rejects.toThrow();
    expect(engine.state).toBe('connected');
    expect(zk.conns).toHaveLength(1);
  });

  it('leaves a read-only server for one that answers isro with rw', async () => {
    const { createServer } = await import('node:net');
    const rw = createServer((sock) => {
      sock.once('data', (d) => {
        sock.end(d.toString() === 'isro' ? 'rw' : '');
      });
    });
    await new Promise<void>((r) => rw.listen(0, '127.0.0.1', () => r()));
    const port = (rw.address() as { port: number }).port;
    try {
      const zk = new FakeZk();
      const { engine, states } = makeEngine(zk, {
        canBeReadOnly: true,
        rwProbeIntervalMs: 10,
        hosts: [
          { host: 'ro', port: 1 },
          { host: '127.0.0.1', port },
        ],
      });
      const c = await zk.conn(0);
      expect(c.host).toEqual({ host: 'ro', port: 1 });
      c.handshake({ sessionId: 0x10n, readOnly: true });
      await until(() => engine.state === 'read-only');
      const c2 = await zk.conn(1);
      expect(c.destroyedByClient).toBe(true);
      expect(c2.host).toEqual({ host: '127.0.0.1', port });
      expect(c2.frames[0]).toMatchObject({ req: { sessionId: 0n, readOnly: true } });
      c2.handshake({ sessionId: 0x20n });
      await until(() => engine.state === 'connected');
      expect(states).toEqual(['connecting', 'read-only', 'suspended', 'connected']);
    } finally {
      await new Promise((r) => rw.close(r));
    }
  });

  it('treats a server that silently hands out another session as a lost session', async () => {
    const zk = new FakeZk();
    const { engine, states } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 1n });
    await engine.waitForConnection();
    const events: RawWatchEvent[] = [];
    const w = engine.request(
      { op: 'getData', path: '/w', watch: true },
      { watch: { kind: 'data', path: '/w', listener: (e) => events.push(e) } },
    );
    const g = await c.waitRequest('getData');
    c.reply(g.xid, { op: 'getData', data: Buffer.alloc(0), stat: STAT });
    await w;
    c.cut();
    const c2 = await zk.conn(1);
    expect(c2.frames[0]).toMatchObject({ req: { sessionId: 1n } });
    c2.handshake({ sessionId: 2n });
    await until(() => engine.state === 'reconnected');
    expect(states).toEqual(['connecting', 'connected', 'suspended', 'lost', 'reconnected']);
    expect(engine.sessionId).toBe(2n);
    await until(() => events.length === 1);
    expect(events).toEqual([{ type: 'session-lost', path: '/w' }]);
    await new Promise((res) => setTimeout(res, 20));
    expect(c2.requests).toEqual([]);
  });

  it('drops queued requests that timed out while disconnected', async () => {
    const zk = new FakeZk();
    zk.modes.set('a:1', 'blackhole');
    const { engine } = makeEngine(zk, { hosts: [{ host: 'a', port: 1 }], connectTimeoutMs: 5000 });
    const ps = Array.from({ length: 200 }, () =>
      engine.request({ op: 'sync', path: '/' }, { timeoutMs: 20 }),
    );
    const results = await Promise.allSettled(ps);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(engine.stats().errors).toBe(200);
  });

  it('writes a deep pipeline in batches, in order, and holds nothing back once it drains', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 5n });
    await engine.waitForConnection();
    const getData = (i: number) => engine.request({ op: 'getData', path: `/n${i}`, watch: false });
    const answer = (from: number, to: number) => {
      for (const { xid, req } of c.requests.slice(from, to)) {
        c.reply(xid, { op: 'getData', data: Buffer.from(req.op === 'getData' ? req.path : ''), stat: STAT });
      }
    };
    const first = Array.from({ length: 100 }, (_, i) => getData(i));
    await c.waitFrames(101);
    const late = getData(100);
    await new Promise(setImmediate); // a flush would have run by now (it is a nextTick)
    expect(c.requests).toHaveLength(100); // held: 100 unanswered, 1 queued
    answer(0, 30);
    await new Promise(setImmediate);
    expect(c.requests).toHaveLength(100); // 70 unanswered still
    answer(30, 40); // 60 unanswered: below the pipelining threshold, the held request goes
    await c.waitFrames(102);
    answer(40, 101);
    const got = await Promise.all([...first, late]);
    expect(got.map((r) => (r.op === 'getData' ? r.data.toString() : ''))).toEqual(
      Array.from({ length: 101 }, (_, i) => `/n${i}`),
    );
    // a closed loop of 256 in flight (each reply sends the next request) writes in batches
    const writesBefore = c.writeCalls;
    let issued = 0;
    let answered = c.requests.length;
    const worker = async () => {
      while (issued < 2000) {
        issued++;
        await getData(issued);
      }
    };
    const done = Promise.all(Array.from({ length: 256 }, worker));
    while (answered < 101 + 2000) {
      await c.waitFrames(answered + 2);
      const to = c.requests.length;
      answer(answered, Math.min(to, answered + 8)); // the server answers 8 per read
      answered = Math.min(to, answered + 8);
    }
    await done;
    expect(c.requests).toHaveLength(2101);
    expect(c.writeCalls - writesBefore).toBeLessThan(2000 / 16);
  });

  describe('read coalescing (a transport that can pause reading)', () => {
    async function deepPipeline(n: number) {
      const zk = new FakeZk();
      const { engine } = makeEngine(zk);
      const c = await zk.conn(0);
      c.enablePausing();
      c.handshake({ sessionId: 5n });
      await engine.waitForConnection();
      const replies = Array.from({ length: n }, (_, i) =>
        engine.request({ op: 'getData', path: `/n${i}`, watch: false }),
      );
      await c.waitFrames(n + 1);
      const answer = (from: number, to: number) => {
        for (const { xid, req } of c.requests.slice(from, to)) {
          const path = req.op === 'getData' ? req.path : '';
          c.reply(xid, { op: 'getData', data: Buffer.from(path), stat: STAT });
        }
      };
      const paths = async () =>
        (await Promise.all(replies)).map((r) => (r.op === 'getData' ? r.data.toString() : ''));
      return { c, answer, paths };
    }

    it('pauses after a read while 64+ requests are unanswered, resumes by itself, loses and reorders nothing', async () => {
      const { c, answer, paths } = await deepPipeline(100);
      answer(0, 1); // 99 unanswered: the client stops reading
      expect(c.pauses).toBe(1);
      expect(c.paused).toBe(true);
      answer(1, 20); // kept for the next read
      await until(() => !c.paused, 3000, 'reading resumed');
      answer(20, 100);
      expect(await paths()).toEqual(Array.from({ length: 100 }, (_, i) => `/n${i}`));
      await until(() => !c.paused, 3000, 'reading resumed for good');
    });

    it('never pauses a shallow pipeline', async () => {
      const { c, answer, paths } = await deepPipeline(63);
      for (let i = 0; i < 63; i++) answer(i, i + 1);
      expect(await paths()).toHaveLength(63);
      expect(c.pauses).toBe(0);
    });

    it('stops pausing for a while once a pause let the server answer half of what it had', async () => {
      const { c, answer, paths } = await deepPipeline(300);
      answer(0, 1); // 299 unanswered: pause
      expect(c.pauses).toBe(1);
      answer(1, 151); // the server answered half of them while the client did not read
      await until(() => !c.paused, 3000, 'reading resumed');
      answer(151, 152); // 148 still unanswered, but coalescing backs off
      expect(c.pauses).toBe(1);
      expect(c.paused).toBe(false);
      answer(152, 300);
      expect(await paths()).toHaveLength(300);
    });

    it('does not pause after a large read', async () => {
      const { c, answer, paths } = await deepPipeline(100);
      const [first] = c.requests;
      c.reply(first!.xid, { op: 'getData', data: Buffer.alloc(32 * 1024, 1), stat: STAT });
      expect(c.pauses).toBe(0); // 99 unanswered, but that read carried 32 KB
      answer(1, 100);
      expect(await paths()).toHaveLength(100);
    });
  });

  it('drops a connection that sends garbage framing, fails its requests, and reconnects', async () => {
    const zk = new FakeZk();
    const { engine } = makeEngine(zk);
    const c = await zk.conn(0);
    c.handshake({ sessionId: 4n });
    await engine.waitForConnection();
    const p = engine.request({ op: 'sync', path: '/' });
    await c.waitRequest('sync');
    c.send(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
    await expect(p).rejects.toBeInstanceOf(ConnectionLossError);
    const c2 = await zk.conn(1);
    c2.handshake({ sessionId: 4n });
    await until(() => engine.state === 'reconnected');
  });
});
