import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultProxy, FourLetterWordTimeoutError, fourLetterWord } from '../../src/testing/index.js';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A target that records what it receives and lets the test push bytes to its clients. */
async function startRecorder(): Promise<{
  server: Server;
  port: number;
  received: () => string;
  sockets: Socket[];
}> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, port, received: () => Buffer.concat(chunks).toString(), sockets };
}

/** A client socket that records what it receives, whether it was closed, and its error. */
async function open(proxy: FaultProxy) {
  const socket = connect(proxy.port, proxy.host);
  const state = { data: '', closed: false, error: undefined as NodeJS.ErrnoException | undefined };
  socket.on('data', (chunk) => {
    state.data += chunk.toString();
  });
  socket.on('close', () => {
    state.closed = true;
  });
  socket.on('error', (err) => {
    state.error = err;
  });
  await once(socket, 'connect');
  return { socket, state };
}

describe('FaultProxy', () => {
  let zk: { host: string; port: number };
  let recorder: Awaited<ReturnType<typeof startRecorder>>;

  beforeAll(async () => {
    zk = inject('zkServers')[0]!;
    recorder = await startRecorder();
  });

  afterAll(async () => {
    for (const s of recorder.sockets) s.destroy();
    recorder.server.close();
  });

  it('forwards transparently and counts its connections', async () => {
    await using proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    expect(proxy.connectString).toBe(`127.0.0.1:${proxy.port}`);
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok');
    await until(() => proxy.connectionCount === 0);
    const { socket } = await open(proxy);
    await until(() => proxy.connectionCount === 1);
    socket.destroy();
    await until(() => proxy.connectionCount === 0);
    expect(proxy.acceptedCount).toBe(2);
  });

  it('delay(ms) holds every chunk back by ms in each direction', async () => {
    await using proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    proxy.delay(300);
    let startedAt = Date.now();
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok', { timeoutMs: 5_000 })).toBe('imok');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(600); // 300 there + 300 back
    proxy.delay(0);
    proxy.delay(300, 'server-to-client');
    startedAt = Date.now();
    expect(await fourLetterWord(proxy.host, proxy.port, 'srvr', { timeoutMs: 5_000 })).toMatch(/^Mode: /m);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
  });

  it('blackhole() swallows data without closing; heal() resumes forwarding', async () => {
    await using proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    proxy.blackhole();
    await expect(fourLetterWord(proxy.host, proxy.port, 'ruok', { timeoutMs: 500 })).rejects.toBeInstanceOf(
      FourLetterWordTimeoutError,
    );
    // The timed-out client closed its socket, but behind the black hole the server never learns it.
    await until(() => proxy.connectionCount === 1);
    const { socket, state } = await open(proxy);
    socket.write('ruok'); // swallowed
    await sleep(500);
    expect(state).toMatchObject({ data: '', closed: false });
    expect(proxy.connectionCount).toBe(2);
    proxy.heal();
    socket.write('ruok'); // the same connection forwards again
    await until(() => state.closed);
    expect(state.data).toBe('imok');
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok');
  });

  it('reset() destroys current connections with RST: the client sees ECONNRESET', async () => {
    await using proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    const { state } = await open(proxy);
    await until(() => proxy.connectionCount === 1);
    proxy.reset();
    await until(() => state.closed);
    expect(state.error?.code).toBe('ECONNRESET');
    expect(proxy.connectionCount).toBe(0);
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok'); // new connections work
  });

  it("cut('client-to-server') drops only what the client sends", async () => {
    await using proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: recorder.port });
    const before = recorder.sockets.length;
    const { socket, state } = await open(proxy);
    await until(() => recorder.sockets.length === before + 1);
    proxy.cut('client-to-server');
    socket.write('lost');
    recorder.sockets.at(-1)!.write('pushed');
    await until(() => state.data === 'pushed');
    await sleep(200);
    expect(recorder.received()).not.toContain('lost');
    socket.destroy();
  });

  it("cut('server-to-client') drops only what the server sends, and hides its close", async () => {
    await using proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: recorder.port });
    const before = recorder.sockets.length;
    const { socket, state } = await open(proxy);
    await until(() => recorder.sockets.length === before + 1);
    proxy.cut('server-to-client');
    socket.write('arrives');
    await until(() => recorder.received().includes('arrives'));
    recorder.sockets.at(-1)!.end('hidden');
    await sleep(300);
    expect(state).toMatchObject({ data: '', closed: false });
    socket.destroy();
    await until(() => proxy.connectionCount === 0);
  });

  it('refuse() closes new connections at once but keeps existing ones; heal() accepts again', async () => {
    await using proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    const existing = await open(proxy);
    await until(() => proxy.connectionCount === 1);
    proxy.refuse();
    const refused = await open(proxy);
    await until(() => refused.state.closed);
    expect(refused.state.data).toBe('');
    expect(existing.state.closed).toBe(false);
    existing.socket.write('ruok');
    await until(() => existing.state.closed);
    expect(existing.state.data).toBe('imok');
    proxy.heal();
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok');
  });

  it('resets the client when the target refuses, and can be retargeted', async () => {
    const dead = await startRecorder();
    dead.server.close();
    await once(dead.server, 'close');
    await using proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: dead.port });
    const { state } = await open(proxy);
    await until(() => state.closed);
    expect(state.error?.code).toBe('ECONNRESET');
    proxy.setTarget(zk.host, zk.port);
    expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok');
  });

  it('retryRefusedMs holds a client while the target refuses, forwards once it listens, resets after', async () => {
    const gone = await startRecorder();
    gone.server.close();
    await once(gone.server, 'close');
    await using proxy = await FaultProxy.start({
      targetHost: '127.0.0.1',
      targetPort: gone.port,
      retryRefusedMs: 10_000,
    });
    const { socket, state } = await open(proxy);
    socket.write('held'); // sent while nothing listens: kept, not lost
    const chunks: Buffer[] = [];
    const late = createServer((s) => {
      s.on('data', (chunk) => chunks.push(chunk));
      s.on('error', () => {});
      s.write('hello');
    });
    late.listen(gone.port, '127.0.0.1');
    await once(late, 'listening');
    await until(() => Buffer.concat(chunks).toString() === 'held' && state.data === 'hello');
    expect(state.closed).toBe(false);
    socket.destroy();
    late.close();

    await using brief = await FaultProxy.start({
      targetHost: '127.0.0.1',
      targetPort: gone.port,
      retryRefusedMs: 100,
    });
    const never = await open(brief);
    await until(() => never.state.closed);
    expect(never.state.error?.code).toBe('ECONNRESET');
    await expect(
      FaultProxy.start({ targetHost: '127.0.0.1', targetPort: gone.port, retryRefusedMs: -1 }),
    ).rejects.toThrow(RangeError);
  });

  it('rejects bad arguments with typed errors and closes idempotently', async () => {
    const proxy = await FaultProxy.start({ targetHost: zk.host, targetPort: zk.port });
    expect(() => proxy.delay(-1)).toThrow(RangeError);
    expect(() => proxy.delay(Number.NaN)).toThrow(RangeError);
    // @ts-expect-error not a direction
    expect(() => proxy.cut('sideways')).toThrow(TypeError);
    const port = proxy.port;
    await Promise.all([proxy.close(), proxy.close()]);
    await proxy[Symbol.asyncDispose]();
    await expect(fourLetterWord('127.0.0.1', port, 'ruok', { timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});

describe('fourLetterWord', () => {
  it('rejects bad input with typed errors instead of hanging', async () => {
    await expect(fourLetterWord('127.0.0.1', 0, 'ruok')).rejects.toThrow(RangeError);
    // @ts-expect-error not a four-letter word
    await expect(fourLetterWord('127.0.0.1', 2181, 'rm -rf')).rejects.toThrow(TypeError);
    await expect(
      fourLetterWord('127.0.0.1', 2181, 'ruok', { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
  });
});
