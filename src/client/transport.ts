/**
 * The byte pipe under a connection, behind an interface so that tests can plug in a fake server
 * and TLS is a drop-in: `net` or `tls` sockets from Node.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { HostPort } from './host-provider.js';

/** Callbacks from a transport to its connection. `onClose` is called exactly once. */
export interface TransportHandlers {
  /** The byte stream is ready (TCP connected, TLS handshake done). */
  onConnect(): void;
  /** Bytes arrived. The buffer may be retained by the receiver. */
  onData(chunk: Buffer): void;
  /** The stream ended, with the error that ended it, if any. */
  onClose(err?: Error): void;
}

/**
 * One open byte stream to one server.
 *
 * @example
 * ```ts
 * const t = netTransport()({ host: '127.0.0.1', port: 2181 }, handlers);
 * t.write([frame]);
 * t.destroy();
 * ```
 */
export interface Transport {
  /** Writes the buffers in order, as one batch (corked). */
  write(bufs: readonly Buffer[]): void;
  /** Closes the stream at once; `onClose` follows (asynchronously). Idempotent. */
  destroy(): void;
}

/** Opens a transport to a host. */
export type TransportFactory = (host: HostPort, handlers: TransportHandlers) => Transport;

class SocketTransport implements Transport {
  readonly #socket: net.Socket;
  #closed = false;

  constructor(socket: net.Socket, handlers: TransportHandlers, connectEvent: 'connect' | 'secureConnect') {
    this.#socket = socket;
    let error: Error | undefined;
    socket.setNoDelay(true);
    socket.once(connectEvent, () => handlers.onConnect());
    socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
    socket.on('error', (err) => {
      error ??= err;
    });
    socket.once('close', () => {
      this.#closed = true;
      handlers.onClose(error);
    });
  }

  write(bufs: readonly Buffer[]): void {
    if (this.#closed || this.#socket.destroyed) return;
    const s = this.#socket;
    if (bufs.length === 1) {
      s.write(bufs[0]!);
      return;
    }
    s.cork();
    for (const b of bufs) s.write(b);
    s.uncork();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

/**
 * Plain TCP (`tlsOptions` absent) or TLS transports through Node's `net` / `tls`.
 *
 * @param tlsOptions `tls.connect` options (ca, cert, key, servername, ...); omit for plain TCP
 * @example
 * ```ts
 * const factory = netTransport({ ca: readFileSync('ca.pem') });
 * ```
 */
export function netTransport(tlsOptions?: tls.ConnectionOptions): TransportFactory {
  return (host, handlers) => {
    if (tlsOptions) {
      const servername = tlsOptions.servername ?? (net.isIP(host.host) ? undefined : host.host);
      const socket = tls.connect({ ...tlsOptions, host: host.host, port: host.port, servername });
      return new SocketTransport(socket, handlers, 'secureConnect');
    }
    return new SocketTransport(net.connect({ host: host.host, port: host.port }), handlers, 'connect');
  };
}
