import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { netTransport, type Transport } from '../../../src/client/transport.js';
import { until } from './fake-zk.js';

/** A local TCP server (not ZooKeeper): it sends what the test asks on its first connection. */
async function server(): Promise<{ port: number; peer: Promise<net.Socket>; close(): void }> {
  const srv = net.createServer();
  let accept: (s: net.Socket) => void = () => {};
  const peer = new Promise<net.Socket>((r) => {
    accept = r;
  });
  srv.on('connection', accept);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return { port, peer, close: () => srv.close() };
}

describe('netTransport (plain TCP)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  async function open(readCoalescing?: boolean) {
    const s = await server();
    const chunks: Buffer[] = [];
    let connected: () => void = () => {};
    const up = new Promise<void>((r) => {
      connected = r;
    });
    const t: Transport = netTransport(undefined, readCoalescing === undefined ? {} : { readCoalescing })(
      { host: '127.0.0.1', port: s.port },
      { onConnect: () => connected(), onData: (c) => chunks.push(c), onClose: () => {} },
    );
    await up;
    const peer = await s.peer;
    cleanup.push(() => {
      t.destroy();
      peer.destroy();
      s.close();
    });
    return { t, peer, chunks };
  }

  const received = (chunks: Buffer[]) => Buffer.concat(chunks).toString();
  const arrived = (chunks: Buffer[], text: string) => until(() => received(chunks) === text, 2000, text);
  // only to show that nothing arrives: there is no event for that
  const quietSpell = () => new Promise((r) => setTimeout(r, 50));

  it('can pause reading: what arrives meanwhile waits, nothing is lost, and each chunk is its own copy', async () => {
    const { t, peer, chunks } = await open();
    expect(typeof t.pauseReading).toBe('function');
    peer.write('one');
    await arrived(chunks, 'one');
    t.pauseReading?.();
    peer.write('two');
    await quietSpell();
    expect(received(chunks)).toBe('one');
    t.resumeReading?.();
    await arrived(chunks, 'onetwo');
    // the socket reads into one reused buffer: a kept chunk must not change under the next read
    expect(chunks[0]?.toString()).toBe('one');
  });

  it('readCoalescing: false gives a transport that cannot pause', async () => {
    const { t, peer, chunks } = await open(false);
    expect(t.pauseReading).toBeUndefined();
    expect(t.resumeReading).toBeUndefined();
    peer.write('data');
    await arrived(chunks, 'data');
  });
});
