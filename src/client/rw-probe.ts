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

/** Settings of a {@link ReadWriteSeeker}. */
export interface ReadWriteSeekerOptions {
  hosts: readonly HostPort[];
  /** Delay before the first round; doubles after each fruitless round, up to 60 s. */
  initialDelayMs: number;
  /** Timeout of one `isro` probe. */
  probeTimeoutMs: number;
  /** Called once, with the first host that answered `rw`. */
  onFound(host: HostPort): void;
}

/**
 * While connected to a read-only server, probes the other hosts in rounds (Java's
 * `pingRwServer`) until one serves read/write.
 *
 * @example
 * ```ts
 * const seeker = new ReadWriteSeeker({ hosts, initialDelayMs: 100, probeTimeoutMs: 1_000, onFound: moveTo });
 * seeker.start(currentHost);
 * // ... seeker.stop() when the read-only connection ends
 * ```
 */
export class ReadWriteSeeker {
  readonly #opts: ReadWriteSeekerOptions;
  #timer: NodeJS.Timeout | undefined;
  #delayMs = 0;
  #active = false;

  constructor(opts: ReadWriteSeekerOptions) {
    this.#opts = opts;
  }

  /** Starts probing every host but `current` (no-op when already running or with one host). */
  start(current: HostPort): void {
    if (this.#active || this.#opts.hosts.length < 2) return;
    this.#active = true;
    this.#delayMs = this.#opts.initialDelayMs;
    this.#schedule(current);
  }

  /** Stops probing; a probe in flight is ignored. */
  stop(): void {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(current: HostPort): void {
    this.#timer = setTimeout(() => void this.#round(current), this.#delayMs);
    this.#timer.unref?.();
  }

  async #round(current: HostPort): Promise<void> {
    for (const host of this.#opts.hosts) {
      if (!this.#active) return;
      if (host.host === current.host && host.port === current.port) continue;
      if (await probeReadWrite(host, this.#opts.probeTimeoutMs)) {
        if (!this.#active) return;
        this.stop();
        this.#opts.onFound(host);
        return;
      }
    }
    if (!this.#active) return;
    this.#delayMs = Math.min(this.#delayMs * 2, 60_000);
    this.#schedule(current);
  }
}
