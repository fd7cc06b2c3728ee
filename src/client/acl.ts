import { createHash } from 'node:crypto';
import type { Acl } from '../protocol/index.js';
import { InvalidArgumentError } from './errors.js';

/**
 * ACL permission bits, combinable with `|`.
 *
 * @example
 * ```ts
 * const acl = digestAcl('app', 'secret', Perms.read | Perms.write);
 * ```
 */
export const Perms = Object.freeze({ read: 1, write: 2, create: 4, delete: 8, admin: 16, all: 31 } as const);

/**
 * Anyone may do anything (`world:anyone`, all permissions). The default ACL of new nodes.
 *
 * @example
 * ```ts
 * await client.create('/open', 'x', { acl: OPEN_ACL_UNSAFE });
 * ```
 */
export const OPEN_ACL_UNSAFE: Acl[] = Object.freeze([
  Object.freeze({ perms: Perms.all, id: Object.freeze({ scheme: 'world', id: 'anyone' }) }),
]) as Acl[];

/**
 * All permissions for the identities the session has authenticated as (`auth` scheme). The
 * server rejects it with InvalidAclError when the session has added no auth.
 *
 * @example
 * ```ts
 * await client.addAuth('digest', 'app:secret');
 * await client.create('/private', 'x', { acl: CREATOR_ALL_ACL });
 * ```
 */
export const CREATOR_ALL_ACL: Acl[] = Object.freeze([
  Object.freeze({ perms: Perms.all, id: Object.freeze({ scheme: 'auth', id: '' }) }),
]) as Acl[];

/**
 * Anyone may read (`world:anyone`, read only).
 *
 * @example
 * ```ts
 * await client.create('/public', 'x', { acl: READ_ACL_UNSAFE });
 * ```
 */
export const READ_ACL_UNSAFE: Acl[] = Object.freeze([
  Object.freeze({ perms: Perms.read, id: Object.freeze({ scheme: 'world', id: 'anyone' }) }),
]) as Acl[];

/**
 * The `digest` scheme id for a user and password, as ZooKeeper's
 * `DigestAuthenticationProvider.generateDigest` computes it: `user:base64(sha1("user:password"))`.
 *
 * @example
 * ```ts
 * digestId('app', 'secret'); // 'app:<28 base64 chars>'
 * ```
 */
export function digestId(user: string, password: string): string {
  const hash = createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

/**
 * An ACL entry granting `perms` (default all) to the digest identity `user`/`password`; a
 * session gets it with `addAuth('digest', 'user:password')`.
 *
 * @throws InvalidArgumentError when the user contains `:` or the perms are outside 0..31
 * @example
 * ```ts
 * await client.create('/secret', 'x', { acl: [digestAcl('app', 'pw', Perms.all)] });
 * ```
 */
export function digestAcl(user: string, password: string, perms: number = Perms.all): Acl {
  if (typeof user !== 'string' || user.length === 0 || user.includes(':')) {
    throw new InvalidArgumentError(
      `digest user must be a non-empty string without ':', got ${JSON.stringify(user)}`,
    );
  }
  if (typeof password !== 'string') throw new InvalidArgumentError('digest password must be a string');
  checkPerms(perms);
  return { perms, id: { scheme: 'digest', id: digestId(user, password) } };
}

function checkPerms(perms: unknown): void {
  if (typeof perms !== 'number' || !Number.isInteger(perms) || perms < 0 || perms > Perms.all) {
    throw new InvalidArgumentError(`ACL perms must be an integer in 0..31, got ${String(perms)}`);
  }
}

const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

/**
 * Checks an ACL list before it is sent: non-empty, perms in 0..31, and the id shaped as its
 * scheme requires (`world:anyone`, `auth:`/`auth:<anything>`, `digest:user:hash`,
 * `ip:a.b.c.d[/bits]` or an IPv6 address, `x509:<dn>`; other schemes need a non-empty id).
 *
 * @throws InvalidArgumentError naming the bad entry
 * @example
 * ```ts
 * validateAcl([{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }]);
 * ```
 */
export function validateAcl(acl: readonly Acl[]): void {
  if (!Array.isArray(acl) || acl.length === 0) {
    throw new InvalidArgumentError('ACL must be a non-empty array');
  }
  acl.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || entry.id === null || typeof entry.id !== 'object') {
      throw new InvalidArgumentError(`ACL entry ${i} must be { perms, id: { scheme, id } }`);
    }
    try {
      checkPerms(entry.perms);
    } catch (err) {
      throw new InvalidArgumentError(`ACL entry ${i}: ${(err as Error).message}`);
    }
    const problem = idProblem(entry.id.scheme, entry.id.id);
    if (problem !== undefined) throw new InvalidArgumentError(`ACL entry ${i}: ${problem}`);
  });
}

function idProblem(scheme: unknown, id: unknown): string | undefined {
  if (typeof scheme !== 'string' || scheme.length === 0) return 'scheme must be a non-empty string';
  if (typeof id !== 'string') return 'id must be a string';
  switch (scheme) {
    case 'world':
      return id === 'anyone' ? undefined : `world scheme only knows id 'anyone', got ${JSON.stringify(id)}`;
    case 'auth':
      return undefined;
    case 'digest': {
      const colon = id.indexOf(':');
      return colon > 0 && colon < id.length - 1
        ? undefined
        : `digest id must be 'user:base64hash', got ${JSON.stringify(id)}`;
    }
    case 'ip':
      return ipProblem(id);
    default:
      return id.length > 0 ? undefined : `${scheme} id must not be empty`;
  }
}

function ipProblem(id: string): string | undefined {
  const [addr = '', bits, ...rest] = id.split('/');
  const bad = `ip id must be an address with an optional /bits, got ${JSON.stringify(id)}`;
  if (rest.length > 0) return bad;
  const v4 = IPV4.test(addr) && addr.split('.').every((p) => Number(p) <= 255);
  const v6 = !v4 && addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr);
  if (!v4 && !v6) return bad;
  if (bits !== undefined) {
    const n = Number(bits);
    if (!/^\d+$/.test(bits) || n > (v4 ? 32 : 128)) return bad;
  }
  return undefined;
}
