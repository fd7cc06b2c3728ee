/**
 * Read/write server discovery for read-only mode: asks a server the `isro` four-letter word,
 * which answers `rw` when it serves a quorum and `ro` when it is a read-only server (Java's
 * `ClientCnxn.SendThread.pingRwServer`). Needs `isro` in the server's `4lw.commands.whitelist`.
 *
 * @module
 */
import * as net from 'node:net';
import type { HostPort } from './host-provider.js';

/**
 * Resolves true when `host` answers `isro` with `rw` within `timeoutMs`; false on `ro`, an error
 * or a timeout. Never rejects.
 *
 * @example
 * ```ts
 * if (await probeReadWrite({ host: 'zk2', port: 2181 }, 1_000)) reconnectTo(zk2);
 * ```
 */
export function probeReadWrite(host: HostPort, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (rw: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(rw);
    };
    const socket = net.connect({ host: host.host, port: host.port }, () => socket.write('isro'));
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => done(false));
    socket.on('close', () => done(Buffer.concat(chunks).toString('latin1').trim() === 'rw'));
  });
}
