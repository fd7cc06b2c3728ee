import { OPEN_ACL_UNSAFE, validateAcl } from './acl.js';
import { checkTimeout, MAX_TIMEOUT_MS, DEFAULT_MAX_DATA_BYTES, toData } from './arguments.js';
import { InvalidArgumentError } from './errors.js';
import { parseConnectString } from './host-provider.js';
import { noopLogger } from './logger.js';
import { normalizeChroot } from './paths.js';
import { DEFAULT_RECONNECT_POLICY } from './retry-policy.js';
import { ZooKeeperClientImpl } from './client-impl.js';
import { SessionEngine } from './session-engine.js';
import type { ClientOptions } from './types.js';
import type { ZooKeeperClient } from './zookeeper-client.js';

/**
 * The defaults of every {@link ClientOptions} field, merged under the caller's options.
 *
 * @example
 * ```ts
 * const client = createClient(hosts, { ...DEFAULT_CLIENT_OPTIONS, sessionTimeoutMs: 10_000 });
 * ```
 */
export const DEFAULT_CLIENT_OPTIONS = Object.freeze({
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  retryPolicy: DEFAULT_RECONNECT_POLICY,
  auth: [],
  canBeReadOnly: false,
  shuffleHosts: true,
  readCoalescing: true,
  tls: false,
  renewSessionOnExpiry: true,
  logger: noopLogger,
  defaultAcl: OPEN_ACL_UNSAFE,
  maxDataBytes: DEFAULT_MAX_DATA_BYTES,
} as const satisfies Required<Omit<ClientOptions, 'sasl'>>);

/**
 * Creates a client and starts connecting at once. Operations issued before the first
 * connection wait for it (bounded by `requestTimeoutMs` or their `signal`).
 *
 * @param connectString - `host:port` pairs separated by commas, optionally followed by a chroot:
 *   `'zk1:2181,zk2:2181,[::1]:2181/app'`
 * @throws InvalidArgumentError for a malformed connect string or option
 * @example
 * ```ts
 * const client = createClient('127.0.0.1:2181/app', { sessionTimeoutMs: 10_000 });
 * client.state$.subscribe((s) => console.log('session', s));
 * await client.create('/hello', 'world');
 * ```
 */
export function createClient(connectString: string, options: ClientOptions = {}): ZooKeeperClient {
  if (typeof connectString !== 'string') throw new InvalidArgumentError('connectString must be a string');
  const o = { ...DEFAULT_CLIENT_OPTIONS, ...stripUndefined(options) };
  checkOptions(o);
  const { hosts, chroot } = parseConnectString(connectString);
  const auth = o.auth.map((a, i) => {
    if (a === null || typeof a !== 'object' || typeof a.scheme !== 'string' || a.scheme === '') {
      throw new InvalidArgumentError(`auth[${i}] must be { scheme, auth }`);
    }
    return { scheme: a.scheme, auth: toData(a.auth, Number.MAX_SAFE_INTEGER) };
  });
  const sasl = options.sasl;
  if (
    sasl !== undefined &&
    (sasl === null ||
      typeof sasl !== 'object' ||
      typeof sasl.name !== 'string' ||
      typeof sasl.start !== 'function')
  ) {
    throw new InvalidArgumentError('sasl must be a SaslMechanism, e.g. digestMd5({ username, password })');
  }
  const tls = o.tls === true ? {} : o.tls === false ? undefined : o.tls;
  const engine = new SessionEngine({
    hosts,
    sessionTimeoutMs: o.sessionTimeoutMs,
    connectTimeoutMs: o.connectTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
    retryPolicy: o.retryPolicy,
    auth,
    canBeReadOnly: o.canBeReadOnly,
    shuffleHosts: o.shuffleHosts,
    readCoalescing: o.readCoalescing,
    ...(sasl ? { sasl } : {}),
    ...(tls ? { tls } : {}),
    renewSessionOnExpiry: o.renewSessionOnExpiry,
    logger: o.logger,
  });
  return new ZooKeeperClientImpl(engine, {
    chroot: normalizeChroot(chroot),
    sessionTimeoutMs: o.sessionTimeoutMs,
    defaultAcl: o.defaultAcl,
    maxDataBytes: o.maxDataBytes,
    logger: o.logger,
  });
}

/**
 * Creates a client and waits for its first session. Rejects (and closes the client) when no
 * session is established within `requestTimeoutMs` (or the retry policy gives up).
 *
 * @throws InvalidArgumentError for a malformed connect string or option
 * @example
 * ```ts
 * await using client = await connect('127.0.0.1:2181');
 * console.log(client.sessionId.toString(16));
 * ```
 */
export async function connect(connectString: string, options: ClientOptions = {}): Promise<ZooKeeperClient> {
  const client = createClient(connectString, options);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_CLIENT_OPTIONS.requestTimeoutMs;
  try {
    await client.waitForConnection(timeoutMs > 0 ? { timeoutMs } : {});
    return client;
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
}

function stripUndefined(o: ClientOptions): ClientOptions {
  if (o === null || typeof o !== 'object') throw new InvalidArgumentError('options must be an object');
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ClientOptions;
}

function checkOptions(o: Required<Omit<ClientOptions, 'sasl'>>): void {
  for (const name of ['sessionTimeoutMs', 'connectTimeoutMs'] as const) {
    const v = o[name];
    if (typeof v !== 'number' || !(v > 0 && v <= MAX_TIMEOUT_MS)) {
      throw new InvalidArgumentError(
        `${name} must be a number > 0 and <= ${MAX_TIMEOUT_MS}, got ${String(v)}`,
      );
    }
  }
  checkTimeout(o.requestTimeoutMs, 'requestTimeoutMs');
  if (!Number.isInteger(o.maxDataBytes) || o.maxDataBytes <= 0) {
    throw new InvalidArgumentError(`maxDataBytes must be a positive integer, got ${String(o.maxDataBytes)}`);
  }
  if (typeof o.retryPolicy?.delayMs !== 'function')
    throw new InvalidArgumentError('retryPolicy needs delayMs()');
  if (!Array.isArray(o.auth)) throw new InvalidArgumentError('auth must be an array');
  for (const name of ['canBeReadOnly', 'shuffleHosts', 'readCoalescing', 'renewSessionOnExpiry'] as const) {
    if (typeof o[name] !== 'boolean')
      throw new InvalidArgumentError(`${name} must be a boolean, got ${String(o[name])}`);
  }
  validateAcl(o.defaultAcl);
  const logger = o.logger;
  if (
    !logger ||
    !['debug', 'info', 'warn', 'error'].every((k) => typeof logger[k as 'info'] === 'function')
  ) {
    throw new InvalidArgumentError('logger needs debug, info, warn and error functions');
  }
}
