/**
 * SASL DIGEST-MD5 (RFC 2831), client side, as ZooKeeper's Java client speaks it: service
 * `zookeeper`, server name `zk-sasl-md5`, quality of protection `auth`, and a check of the
 * server's `rspauth` proof. The server side is ZooKeeper's `SASLAuthenticationProvider` with a
 * JAAS `Server` section using `DigestLoginModule`.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { AuthFailedError, InvalidArgumentError } from './errors.js';
import type { SaslExchange, SaslMechanism } from './sasl-mechanism.js';

/**
 * Options of {@link digestMd5}.
 *
 * @example
 * ```ts
 * const opts: DigestMd5Options = { username: 'bob', password: 's3cret' };
 * ```
 */
export interface DigestMd5Options {
  /** The user, as in the server's JAAS `user_<name>="<password>"` entry. */
  username: string;
  password: string;
  /** Authorization id to act as (rarely used); default none. */
  authzid?: string;
  /** Service part of the digest-uri; default `zookeeper` (`zookeeper.sasl.client.username`). */
  serviceName?: string;
  /** Host part of the digest-uri; default `zk-sasl-md5`, what ZooKeeper servers expect. */
  serverName?: string;
}

/**
 * The DIGEST-MD5 mechanism for {@link ClientOptions.sasl}. After the exchange, the server
 * knows the session as `sasl:<username>`: ACLs with the `sasl` scheme apply to it.
 *
 * @example
 * ```ts
 * const client = await connect('zk1:2181,zk2:2181', {
 *   sasl: digestMd5({ username: 'bob', password: process.env.ZK_PASSWORD ?? '' }),
 * });
 * console.log(await client.whoAmI()); // [{ authScheme: 'sasl', user: 'bob' }, ...]
 * ```
 */
export function digestMd5(options: DigestMd5Options): SaslMechanism {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError('digestMd5: options must be { username, password }');
  }
  const { username, password } = options;
  if (typeof username !== 'string' || username === '') {
    throw new InvalidArgumentError('digestMd5: username must be a non-empty string');
  }
  if (typeof password !== 'string') throw new InvalidArgumentError('digestMd5: password must be a string');
  const digestUri = `${options.serviceName ?? 'zookeeper'}/${options.serverName ?? 'zk-sasl-md5'}`;
  return {
    name: 'DIGEST-MD5',
    principal: username,
    start: () => new DigestMd5Exchange(username, password, options.authzid, digestUri),
  };
}

const md5 = (...parts: (string | Buffer)[]): Buffer => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};
const hex = (b: Buffer): string => b.toString('hex');

/**
 * Parses a DIGEST-MD5 challenge: comma-separated `key=value` pairs, values optionally quoted
 * with backslash escapes. Repeated keys keep their first value. Throws on malformed input.
 *
 * @example
 * ```ts
 * parseDigestChallenge('realm="zk-sasl-md5",nonce="abc",qop="auth",charset=utf-8');
 * // Map { 'realm' => 'zk-sasl-md5', 'nonce' => 'abc', 'qop' => 'auth', 'charset' => 'utf-8' }
 * ```
 */
export function parseDigestChallenge(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const skipSpace = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
  };
  while (i < n) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq < 0)
      throw new AuthFailedError({ message: `malformed DIGEST-MD5 challenge near '${text.slice(i)}'` });
    const key = text.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    skipSpace();
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i++] as string;
        if (c === '\\' && i < n) value += text[i++];
        else if (c === '"') {
          closed = true;
          break;
        } else value += c;
      }
      if (!closed)
        throw new AuthFailedError({ message: 'malformed DIGEST-MD5 challenge: unterminated quote' });
    } else {
      const end = text.indexOf(',', i);
      value = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? n : end;
    }
    if (key === '') throw new AuthFailedError({ message: 'malformed DIGEST-MD5 challenge: empty key' });
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

/**
 * The two proofs of one DIGEST-MD5 exchange (RFC 2831 section 2.1.2.1): `response`, sent by
 * the client, and `rspauth`, which the server must send back. Exposed for tests.
 *
 * @example
 * ```ts
 * const { response } = digestMd5Proofs({
 *   username: 'chris', password: 'secret', realm: 'elwood.innosoft.com', nonce: 'OA6MG9tEQGm2hh',
 *   cnonce: 'OA6MHXh6VqTrRk', nc: '00000001', digestUri: 'imap/elwood.innosoft.com', utf8: true,
 * }); // 'd388dad90d4bbd760a152321f2143af7'
 * ```
 */
export function digestMd5Proofs(p: {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  cnonce: string;
  nc: string;
  digestUri: string;
  authzid?: string | undefined;
  utf8: boolean;
}): { response: string; rspauth: string } {
  const enc = (s: string): Buffer => Buffer.from(s, p.utf8 ? 'utf8' : 'latin1');
  const a1 = Buffer.concat([
    md5(enc(p.username), ':', enc(p.realm), ':', enc(p.password)),
    Buffer.from(`:${p.nonce}:${p.cnonce}${p.authzid ? `:${p.authzid}` : ''}`, 'utf8'),
  ]);
  const ha1 = hex(md5(a1));
  const tail = `${p.nonce}:${p.nc}:${p.cnonce}:auth:`;
  return {
    response: hex(md5(`${ha1}:${tail}${hex(md5(`AUTHENTICATE:${p.digestUri}`))}`)),
    rspauth: hex(md5(`${ha1}:${tail}${hex(md5(`:${p.digestUri}`))}`)),
  };
}

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

class DigestMd5Exchange implements SaslExchange {
  #step: 'initial' | 'challenge' | 'rspauth' | 'done' = 'initial';
  #expectedRspauth = '';

  constructor(
    private readonly username: string,
    private readonly password: string,
    private readonly authzid: string | undefined,
    private readonly digestUri: string,
  ) {}

  get complete(): boolean {
    return this.#step === 'done';
  }

  initialResponse(): Uint8Array {
    // DIGEST-MD5 has no initial response: an empty token asks the server for its challenge.
    this.#step = 'challenge';
    return new Uint8Array(0);
  }

  evaluateChallenge(challenge: Uint8Array): Uint8Array | null {
    const text = Buffer.from(challenge).toString('utf8');
    if (this.#step === 'challenge' && challenge.length === 0) {
      throw new AuthFailedError({
        message:
          'DIGEST-MD5: the server sent an empty challenge; is SASL enabled on it (authProvider SASLAuthenticationProvider and a JAAS Server section)?',
      });
    }
    if (this.#step === 'challenge') return this.#respond(parseDigestChallenge(text));
    if (this.#step === 'rspauth') {
      const rspauth = parseDigestChallenge(text).get('rspauth');
      if (rspauth === undefined || rspauth.toLowerCase() !== this.#expectedRspauth) {
        throw new AuthFailedError({
          message: 'DIGEST-MD5: the server did not prove it knows the password (rspauth)',
        });
      }
      this.#step = 'done';
      return null;
    }
    if (this.#step === 'done' && challenge.length === 0) return null;
    throw new AuthFailedError({ message: `DIGEST-MD5: unexpected server token in step ${this.#step}` });
  }

  #respond(c: Map<string, string>): Uint8Array {
    const nonce = c.get('nonce');
    if (!nonce) throw new AuthFailedError({ message: 'DIGEST-MD5 challenge without a nonce' });
    const qops = (c.get('qop') ?? 'auth').split(',').map((q) => q.trim());
    if (!qops.includes('auth')) {
      throw new AuthFailedError({ message: `DIGEST-MD5: the server offers no qop=auth (${qops.join(',')})` });
    }
    const algorithm = c.get('algorithm');
    if (algorithm !== undefined && algorithm.toLowerCase() !== 'md5-sess') {
      throw new AuthFailedError({ message: `DIGEST-MD5: unsupported algorithm ${algorithm}` });
    }
    const realm = (c.get('realm') ?? '').split(',')[0] ?? '';
    const utf8 = c.get('charset')?.toLowerCase() === 'utf-8';
    const cnonce = randomBytes(24).toString('base64');
    const nc = '00000001';
    const { response, rspauth } = digestMd5Proofs({
      username: this.username,
      password: this.password,
      realm,
      nonce,
      cnonce,
      nc,
      digestUri: this.digestUri,
      authzid: this.authzid,
      utf8,
    });
    this.#expectedRspauth = rspauth;
    const fields = [
      utf8 ? 'charset=utf-8' : undefined,
      `username=${quote(this.username)}`,
      `realm=${quote(realm)}`,
      `nonce=${quote(nonce)}`,
      `nc=${nc}`,
      `cnonce=${quote(cnonce)}`,
      `digest-uri=${quote(this.digestUri)}`,
      'maxbuf=65536',
      `response=${response}`,
      'qop=auth',
      this.authzid ? `authzid=${quote(this.authzid)}` : undefined,
    ].filter((f): f is string => f !== undefined);
    this.#step = 'rspauth';
    return Buffer.from(fields.join(','), 'utf8');
  }
}
