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
  /**
   * Stops reading from the socket (the kernel keeps what arrives) until {@link resumeReading}.
   * Only transports that really stop the reads offer it (plain TCP); the connection uses it to
   * take many replies per wake-up under a deep pipeline.
   */
  pauseReading?(): void;
  /** Reads again after {@link pauseReading}. */
  resumeReading?(): void;
  /** Closes the stream at once; `onClose` follows (asynchronously). Idempotent. */
  destroy(): void;
}

/** Opens a transport to a host. */
export type TransportFactory = (host: HostPort, handlers: TransportHandlers) => Transport;

/** Size of the buffer a plain TCP connection reads into (one per connection, reused). */
const READ_BUFFER_BYTES = 64 * 1024;

class SocketTransport implements Transport {
  readonly #socket: net.Socket;
  #closed = false;

  /** @param readsByCallback the socket delivers bytes through its `onread` callback, not 'data' */
  constructor(
    socket: net.Socket,
    handlers: TransportHandlers,
    connectEvent: 'connect' | 'secureConnect',
    readsByCallback: boolean,
  ) {
    this.#socket = socket;
    let error: Error | undefined;
    socket.setNoDelay(true);
    socket.once(connectEvent, () => handlers.onConnect());
    if (!readsByCallback) socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
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
 * Plain TCP: the socket reads into one reused buffer through `onread` (no stream machinery per
 * read), and pausing it stops the reads in the kernel's event loop, not just the 'data' events.
 */
class TcpTransport extends SocketTransport {
  readonly #tcp: net.Socket;

  constructor(host: HostPort, handlers: TransportHandlers) {
    const socket = net.connect({
      host: host.host,
      port: host.port,
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
        // the buffer is reused by the next read: hand over a copy the receiver may keep
        callback: (n: number, buf: Uint8Array): boolean => {
          handlers.onData(Buffer.from(buf.subarray(0, n)));
          return true;
        },
      },
    });
    super(socket, handlers, 'connect', true);
    this.#tcp = socket;
  }

  pauseReading(): void {
    this.#tcp.pause();
  }

  resumeReading(): void {
    this.#tcp.resume();
  }
}

/**
 * Plain TCP (`tlsOptions` absent) or TLS transports through Node's `net` / `tls`.
 *
 * @param tlsOptions `tls.connect` options (ca, cert, key, servername, ...); omit for plain TCP
 * @param opts `readCoalescing: false` gives plain TCP connections that cannot pause reading (the
 *   connection then never coalesces reads); TLS connections never can
 * @example
 * ```ts
 * const factory = netTransport({ ca: readFileSync('ca.pem') });
 * ```
 */
export function netTransport(
  tlsOptions?: tls.ConnectionOptions,
  opts: { readCoalescing?: boolean } = {},
): TransportFactory {
  return (host, handlers) => {
    if (tlsOptions) {
      const servername = tlsOptions.servername ?? (net.isIP(host.host) ? undefined : host.host);
      const socket = tls.connect({ ...tlsOptions, host: host.host, port: host.port, servername });
      return new SocketTransport(socket, handlers, 'secureConnect', false);
    }
    if (opts.readCoalescing === false) {
      return new SocketTransport(
        net.connect({ host: host.host, port: host.port }),
        handlers,
        'connect',
        false,
      );
    }
    return new TcpTransport(host, handlers);
  };
}
