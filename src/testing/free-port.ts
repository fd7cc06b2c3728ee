import { createServer } from 'node:net';

const handedOut = new Set<number>();

function probe(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Finds a free TCP port on a loopback address by letting the kernel pick one. Ports handed out
 * earlier in this process are never returned again, so several servers started in a row never
 * race for the same port.
 *
 * @param host - the address to bind while probing (default `127.0.0.1`)
 * @returns a port number that was free a moment ago
 *
 * @example
 * ```ts
 * import { freePort } from 'zk-recipes/testing';
 * const port = await freePort();
 * server.listen(port, '127.0.0.1');
 * ```
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe(host);
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found on ${host}`);
}
