import { describe, expect, it } from 'vitest';
import { AuthFailedError, InvalidArgumentError } from '../../../src/client/errors.js';
import { digestMd5, digestMd5Proofs, parseDigestChallenge } from '../../../src/client/sasl-digest-md5.js';

describe('DIGEST-MD5', () => {
  it('computes the RFC 2831 example proofs', () => {
    // RFC 2831 section 4, IMAP example
    const proofs = digestMd5Proofs({
      username: 'chris',
      password: 'secret',
      realm: 'elwood.innosoft.com',
      nonce: 'OA6MG9tEQGm2hh',
      cnonce: 'OA6MHXh6VqTrRk',
      nc: '00000001',
      digestUri: 'imap/elwood.innosoft.com',
      utf8: true,
    });
    expect(proofs.response).toBe('d388dad90d4bbd760a152321f2143af7');
    expect(proofs.rspauth).toBe('ea40f60335c427b5527b84dbabcdfffd');
  });

  it('parses quoted, escaped and bare challenge values', () => {
    const c = parseDigestChallenge(
      'realm="zk-sasl-md5",nonce="a\\"b,c",qop="auth,auth-int",charset=utf-8, algorithm=md5-sess',
    );
    expect(Object.fromEntries(c)).toEqual({
      realm: 'zk-sasl-md5',
      nonce: 'a"b,c',
      qop: 'auth,auth-int',
      charset: 'utf-8',
      algorithm: 'md5-sess',
    });
    expect(() => parseDigestChallenge('realm="unterminated')).toThrow(AuthFailedError);
    expect(() => parseDigestChallenge('novalue')).toThrow(AuthFailedError);
  });

  it('runs a whole exchange against a server that checks the proofs, and checks the server back', () => {
    const exchange = digestMd5({ username: 'bob', password: 'pw' }).start();
    expect(exchange.initialResponse()).toHaveLength(0);
    const nonce = 'n0nce';
    const reply = exchange.evaluateChallenge(
      Buffer.from(`realm="zk-sasl-md5",nonce="${nonce}",qop="auth",charset=utf-8,algorithm=md5-sess`),
    );
    const fields = parseDigestChallenge(Buffer.from(reply as Uint8Array).toString('utf8'));
    expect(fields.get('username')).toBe('bob');
    expect(fields.get('digest-uri')).toBe('zookeeper/zk-sasl-md5');
    expect(fields.get('qop')).toBe('auth');
    const expected = digestMd5Proofs({
      username: 'bob',
      password: 'pw',
      realm: 'zk-sasl-md5',
      nonce,
      cnonce: fields.get('cnonce') as string,
      nc: fields.get('nc') as string,
      digestUri: 'zookeeper/zk-sasl-md5',
      utf8: true,
    });
    expect(fields.get('response')).toBe(expected.response);
    expect(exchange.complete).toBe(false);
    expect(exchange.evaluateChallenge(Buffer.from(`rspauth=${expected.rspauth}`))).toBeNull();
    expect(exchange.complete).toBe(true);
  });

  it('refuses a server that cannot prove the password, and bad challenges', () => {
    const exchange = digestMd5({ username: 'bob', password: 'pw' }).start();
    exchange.initialResponse();
    exchange.evaluateChallenge(Buffer.from('realm="r",nonce="n",qop="auth"'));
    expect(() => exchange.evaluateChallenge(Buffer.from('rspauth=00000000000000000000000000000000'))).toThrow(
      AuthFailedError,
    );
    expect(exchange.complete).toBe(false);
    const noAuthQop = digestMd5({ username: 'bob', password: 'pw' }).start();
    noAuthQop.initialResponse();
    expect(() => noAuthQop.evaluateChallenge(Buffer.from('nonce="n",qop="auth-conf"'))).toThrow(/qop=auth/);
    const noSasl = digestMd5({ username: 'bob', password: 'pw' }).start();
    noSasl.initialResponse();
    expect(() => noSasl.evaluateChallenge(new Uint8Array(0))).toThrow(/is SASL enabled/);
    const noNonce = digestMd5({ username: 'bob', password: 'pw' }).start();
    noNonce.initialResponse();
    expect(() => noNonce.evaluateChallenge(Buffer.from('realm="r"'))).toThrow(/nonce/);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => digestMd5({ username: '', password: 'x' })).toThrow(InvalidArgumentError);
    expect(() => digestMd5({ username: 'a', password: 1 as unknown as string })).toThrow(
      InvalidArgumentError,
    );
    expect(() => digestMd5(null as unknown as { username: string; password: string })).toThrow(
      InvalidArgumentError,
    );
  });
});
