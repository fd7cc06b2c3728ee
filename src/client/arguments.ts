/**
 * Checks of call arguments that are not paths or ACLs: versions, data, TTLs, create modes.
 * Every check throws InvalidArgumentError before anything is sent.
 *
 * @module
 */
import type { Acl, Request } from '../protocol/index.js';
import { InvalidArgumentError } from './errors.js';
import type { CreateMode } from './types.js';

/**
 * The largest TTL ZooKeeper accepts (`EphemeralType.TTL.maxValue()`): 2^40 - 1 ms.
 *
 * @example
 * ```ts
 * await client.create('/lease', '', { mode: 'persistent-ttl', ttlMs: Math.min(ttl, MAX_TTL_MS) });
 * ```
 */
export const MAX_TTL_MS = 2 ** 40 - 1;

/**
 * The server's default `jute.maxbuffer` (0xfffff = 1 MiB - 1): the largest request it reads.
 * A bigger request makes the server drop the connection, so the client refuses it up front.
 *
 * @example
 * ```ts
 * // server started with -Djute.maxbuffer=4194304
 * const client = createClient(hosts, { maxDataBytes: 4 * 1024 * 1024 });
 * ```
 */
export const DEFAULT_MAX_DATA_BYTES = 0xfffff;

/**
 * The wire version for an optional expected version: absent means -1 (any); `0` stays `0`.
 *
 * @throws InvalidArgumentError for a non-integer, a value below -1 or above 2^31-1
 * @example
 * ```ts
 * wireVersion(undefined); // -1
 * wireVersion(0);         // 0
 * ```
 */
export function wireVersion(version: number | undefined): number {
  if (version === undefined) return -1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw new InvalidArgumentError(`version must be an integer from -1 to 2^31-1, got ${String(version)}`);
  }
  return version;
}

/**
 * Node data as bytes: strings are UTF-8, Uint8Arrays are used as they are (no copy for Buffers).
 *
 * @throws InvalidArgumentError for another type or data over `maxBytes`
 * @example
 * ```ts
 * toData('héllo', 1024).length; // 6
 * ```
 */
export function toData(data: Uint8Array | string | undefined, maxBytes: number): Buffer {
  let buf: Buffer;
  if (data === undefined) buf = Buffer.alloc(0);
  else if (typeof data === 'string') buf = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) {
    buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  } else {
    throw new InvalidArgumentError(`data must be a string or a Uint8Array, got ${typeof data}`);
  }
  if (buf.length > maxBytes) {
    throw new InvalidArgumentError(
      `data is ${buf.length} bytes, over the limit of ${maxBytes} bytes (jute.maxbuffer; see maxDataBytes)`,
    );
  }
  return buf;
}

const MODES: Record<CreateMode, { flags: number; sequential: boolean; ttl: boolean }> = {
  persistent: { flags: 0, sequential: false, ttl: false },
  ephemeral: { flags: 1, sequential: false, ttl: false },
  'persistent-sequential': { flags: 2, sequential: true, ttl: false },
  'ephemeral-sequential': { flags: 3, sequential: true, ttl: false },
  container: { flags: 4, sequential: false, ttl: false },
  'persistent-ttl': { flags: 5, sequential: false, ttl: true },
  'persistent-sequential-ttl': { flags: 6, sequential: true, ttl: true },
};

/** What a create mode means on the wire. */
export interface ModeInfo {
  /** CreateFlags value. */
  flags: number;
  /** The server appends a counter to the name. */
  sequential: boolean;
  /** A TTL mode (opcode createTTL). */
  ttl: boolean;
}

/**
 * The wire meaning of a create mode, checking `ttlMs` against it: required (1..2^40-1, an
 * integer) for TTL modes, forbidden for the others.
 *
 * @throws InvalidArgumentError for an unknown mode or a bad/missing/forbidden TTL
 * @example
 * ```ts
 * modeInfo('persistent-ttl', 60_000); // { flags: 5, sequential: false, ttl: true }
 * ```
 */
export function modeInfo(mode: CreateMode | undefined, ttlMs: number | undefined): ModeInfo {
  const info = MODES[mode ?? 'persistent'];
  if (info === undefined || !Object.hasOwn(MODES, mode ?? 'persistent')) {
    throw new InvalidArgumentError(`unknown create mode ${JSON.stringify(mode)}`);
  }
  if (info.ttl) {
    if (ttlMs === undefined) throw new InvalidArgumentError(`mode '${mode}' requires ttlMs`);
    if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new InvalidArgumentError(
        `ttlMs must be an integer from 1 to ${MAX_TTL_MS}, got ${String(ttlMs)}`,
      );
    }
  } else if (ttlMs !== undefined) {
    throw new InvalidArgumentError(`ttlMs is only allowed with a TTL mode, not '${mode ?? 'persistent'}'`);
  }
  return info;
}

/** The longest delay a Node timer takes (about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Checks an optional per-call timeout.
 *
 * @throws InvalidArgumentError unless absent or a number from 0 to {@link MAX_TIMEOUT_MS} (a
 *   longer one would make Node fire the timer at once)
 * @example
 * ```ts
 * checkTimeout(500); // ok
 * ```
 */
export function checkTimeout(timeoutMs: number | undefined, name = 'timeoutMs'): void {
  if (timeoutMs === undefined) return;
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new InvalidArgumentError(
      `${name} must be a number from 0 to ${MAX_TIMEOUT_MS} (0 = none), got ${String(timeoutMs)}`,
    );
  }
}

const strBytes = (s: string): number => 4 + Buffer.byteLength(s, 'utf8');
const aclBytes = (acl: readonly Acl[]): number =>
  acl.reduce((n, a) => n + 4 + strBytes(a.id.scheme) + strBytes(a.id.id), 4);

/** Encoded size of one request record (without the 8-byte header). */
function recordBytes(req: Request): number {
  switch (req.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
      return strBytes(req.path) + 4 + req.data.length + aclBytes(req.acl) + 4;
    case 'createTTL':
      return strBytes(req.path) + 4 + req.data.length + aclBytes(req.acl) + 4 + 8;
    case 'setData':
      return strBytes(req.path) + 4 + req.data.length + 4;
    case 'setACL':
      return strBytes(req.path) + aclBytes(req.acl) + 4;
    case 'multi':
    case 'multiRead':
      // each op: MultiHeader{int type; bool done; int err} + record; then a terminating header
      return req.ops.reduce((n, op) => n + 9 + recordBytes(op as Request), 9);
    case 'delete':
    case 'check':
      return strBytes(req.path) + 4;
    case 'auth':
      return 4 + strBytes(req.scheme) + 4 + req.auth.length;
    case 'sasl':
      return 4 + req.token.length;
    default:
      return 'path' in req ? strBytes(req.path) + 8 : 64;
  }
}

/**
 * Checks that a request fits in the server's `jute.maxbuffer` (its encoded length, header
 * included, must not exceed `maxBytes`); the server would otherwise drop the connection.
 *
 * @throws InvalidArgumentError naming the size and the limit
 * @example
 * ```ts
 * checkRequestSize({ op: 'setData', path: '/a', data: Buffer.alloc(10), version: -1 }, 0xfffff);
 * ```
 */
export function checkRequestSize(req: Request, maxBytes: number): void {
  const size = 8 + recordBytes(req);
  if (size > maxBytes) {
    throw new InvalidArgumentError(
      `the ${req.op} request is ${size} bytes encoded, over the limit of ${maxBytes} bytes (jute.maxbuffer; see maxDataBytes)`,
    );
  }
}
