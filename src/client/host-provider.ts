/**
 * Connect-string parsing and the rotating host list the engine connects through.
 *
 * @module
 */
import { InvalidArgumentError } from './errors.js';

/** One server address. `host` holds an IPv6 literal without brackets. */
export interface HostPort {
  host: string;
  port: number;
}

/** The parts of a connect string. `chroot` is `''` or a path like `'/app'` (no trailing slash). */
export interface ConnectString {
  hosts: HostPort[];
  chroot: string;
}

/** Default ZooKeeper client port. */
export const DEFAULT_PORT = 2181;

function parsePort(text: string, entry: string): number {
  if (!/^\d{1,5}$/.test(text))
    throw new InvalidArgumentError(`Invalid port in connect string entry '${entry}'`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new InvalidArgumentError(`Port out of range in '${entry}'`);
  return port;
}

function parseHost(entry: string): HostPort {
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end < 0) throw new InvalidArgumentError(`Unclosed '[' in connect string entry '${entry}'`);
    const host = entry.slice(1, end);
    if (host === '' || !/^[0-9A-Fa-f:.%a-zA-Z]+$/.test(host) || !host.includes(':')) {
      throw new InvalidArgumentError(`Invalid IPv6 address in connect string entry '${entry}'`);
    }
    const rest = entry.slice(end + 1);
    if (rest === '') return { host, port: DEFAULT_PORT };
    if (!rest.startsWith(':')) throw new InvalidArgumentError(`Unexpected text after ']' in '${entry}'`);
    return { host, port: parsePort(rest.slice(1), entry) };
  }
  const colon = entry.indexOf(':');
  if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
    throw new InvalidArgumentError(`IPv6 addresses must be bracketed, as in '[::1]:2181': '${entry}'`);
  }
  const host = colon < 0 ? entry : entry.slice(0, colon);
  if (host === '' || /[\s/\\@[\]]/.test(host)) {
    throw new InvalidArgumentError(`Invalid host in connect string entry '${entry}'`);
  }
  return { host, port: colon < 0 ? DEFAULT_PORT : parsePort(entry.slice(colon + 1), entry) };
}

function parseChroot(chroot: string): string {
  if (chroot === '/') return '';
  if (chroot.endsWith('/')) throw new InvalidArgumentError(`Chroot must not end with '/': '${chroot}'`);
  for (const seg of chroot.slice(1).split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw new InvalidArgumentError(`Invalid chroot '${chroot}': empty, '.' or '..' segment`);
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(chroot))
    throw new InvalidArgumentError(`Invalid character in chroot '${chroot}'`);
  return chroot;
}

/**
 * Parses `'host1:2181,host2,[::1]:2182/optional/chroot'`. Ports default to 2181; IPv6 literals
 * must be bracketed; a chroot of `'/'` means none.
 *
 * @throws InvalidArgumentError on an empty string, empty entry, bad port or bad chroot
 * @example
 * ```ts
 * parseConnectString('a:2181,[::1]/app');
 * // { hosts: [{ host: 'a', port: 2181 }, { host: '::1', port: 2181 }], chroot: '/app' }
 * ```
 */
export function parseConnectString(s: string): ConnectString {
  if (typeof s !== 'string') throw new InvalidArgumentError('The connect string must be a string');
  const text = s.trim();
  if (text === '') throw new InvalidArgumentError('The connect string is empty');
  const slash = text.indexOf('/');
  const hostPart = slash < 0 ? text : text.slice(0, slash);
  const chroot = slash < 0 ? '' : parseChroot(text.slice(slash));
  const hosts = hostPart.split(',').map((raw) => {
    const entry = raw.trim();
    if (entry === '') throw new InvalidArgumentError(`Empty host entry in connect string '${s}'`);
    return parseHost(entry);
  });
  return { hosts, chroot };
}

/**
 * Formats a host for logs and for `net.connect` error messages (`[::1]:2181`).
 *
 * @example
 * ```ts
 * formatHost({ host: '::1', port: 2181 }); // '[::1]:2181'
 * ```
 */
export function formatHost(h: HostPort): string {
  return h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`;
}

/**
 * The hosts in a random order fixed at construction, handed out round-robin, so that many
 * clients spread over the ensemble and one client tries every server before repeating one.
 *
 * @example
 * ```ts
 * const hp = new HostProvider(parseConnectString('a,b,c').hosts);
 * const first = hp.next();
 * ```
 */
export class HostProvider {
  readonly #hosts: HostPort[];
  #index = -1;

  /**
   * @param hosts at least one host
   * @param opts `shuffle: false` keeps the given order (tests); `random` replaces Math.random
   */
  constructor(hosts: readonly HostPort[], opts: { shuffle?: boolean; random?: () => number } = {}) {
    if (hosts.length === 0) throw new InvalidArgumentError('At least one host is required');
    this.#hosts = hosts.map((h) => ({ host: h.host, port: h.port }));
    if (opts.shuffle ?? true) {
      const random = opts.random ?? Math.random;
      for (let i = this.#hosts.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = this.#hosts[i]!;
        this.#hosts[i] = this.#hosts[j]!;
        this.#hosts[j] = t;
      }
    }
  }

  /** Number of hosts. */
  get size(): number {
    return this.#hosts.length;
  }

  /** The hosts in rotation order (a copy). */
  get hosts(): HostPort[] {
    return this.#hosts.map((h) => ({ ...h }));
  }

  /** The host after the last one handed out, wrapping around. */
  next(): HostPort {
    this.#index = (this.#index + 1) % this.#hosts.length;
    return this.#hosts[this.#index]!;
  }

  /** The host most recently handed out by {@link HostProvider.next}, if any. */
  get current(): HostPort | undefined {
    return this.#index < 0 ? undefined : this.#hosts[this.#index];
  }
}
