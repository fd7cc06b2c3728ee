import { describe, expect, it } from 'vitest';
import {
  CREATOR_ALL_ACL,
  digestAcl,
  digestId,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
  validateAcl,
} from '../../../src/client/acl.js';
import { InvalidArgumentError } from '../../../src/client/errors.js';

describe('ACL helpers', () => {
  it('computes the digest exactly as DigestAuthenticationProvider.generateDigest', () => {
    // Values printed by `java org.apache.zookeeper.server.auth.DigestAuthenticationProvider super:test app:s3cr:et`.
    expect(digestId('super', 'test')).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(digestId('app', 's3cr:et')).toBe('app:Y6DhY1Rqesa3gFzfZfq5GcYmwn8=');
  });

  it('builds digest ACLs with all perms by default', () => {
    expect(digestAcl('super', 'test')).toEqual({
      perms: 31,
      id: { scheme: 'digest', id: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=' },
    });
    expect(digestAcl('u', 'p', Perms.read | Perms.write).perms).toBe(3);
  });

  it('rejects bad digest input', () => {
    expect(() => digestAcl('a:b', 'p')).toThrow(InvalidArgumentError);
    expect(() => digestAcl('', 'p')).toThrow(InvalidArgumentError);
    expect(() => digestAcl('u', 'p', 32)).toThrow(/0\.\.31/);
    expect(() => digestAcl('u', 'p', -1)).toThrow(InvalidArgumentError);
    expect(() => digestAcl('u', 'p', 1.5)).toThrow(InvalidArgumentError);
  });

  it('has the standard constant ACLs, frozen', () => {
    expect(OPEN_ACL_UNSAFE).toEqual([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
    expect(READ_ACL_UNSAFE).toEqual([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
    expect(CREATOR_ALL_ACL).toEqual([{ perms: 31, id: { scheme: 'auth', id: '' } }]);
    expect(Object.isFrozen(OPEN_ACL_UNSAFE)).toBe(true);
    expect(Object.isFrozen(OPEN_ACL_UNSAFE[0]?.id)).toBe(true);
    expect(Perms).toEqual({ read: 1, write: 2, create: 4, delete: 8, admin: 16, all: 31 });
  });

  it('accepts well-formed ACLs', () => {
    validateAcl(OPEN_ACL_UNSAFE);
    validateAcl(CREATOR_ALL_ACL);
    validateAcl([digestAcl('u', 'p'), { perms: 1, id: { scheme: 'ip', id: '10.0.0.0/8' } }]);
    validateAcl([{ perms: 0, id: { scheme: 'ip', id: '::1' } }]);
    validateAcl([{ perms: 1, id: { scheme: 'x509', id: 'CN=client' } }]);
  });

  it.each([
    [[], /non-empty/],
    [[{ perms: 32, id: { scheme: 'world', id: 'anyone' } }], /0\.\.31/],
    [[{ perms: -1, id: { scheme: 'world', id: 'anyone' } }], /0\.\.31/],
    [[{ perms: 31, id: { scheme: 'world', id: 'someone' } }], /anyone/],
    [[{ perms: 31, id: { scheme: 'digest', id: 'nocolon' } }], /user:base64hash/],
    [[{ perms: 31, id: { scheme: 'digest', id: 'user:' } }], /user:base64hash/],
    [[{ perms: 31, id: { scheme: 'ip', id: '300.1.1.1' } }], /ip id/],
    [[{ perms: 31, id: { scheme: 'ip', id: '10.0.0.1/33' } }], /ip id/],
    [[{ perms: 31, id: { scheme: '', id: 'x' } }], /scheme/],
    [[{ perms: 31, id: { scheme: 'sasl', id: '' } }], /must not be empty/],
    [[null], /perms, id/],
  ])('rejects %j', (acl, message) => {
    expect(() => validateAcl(acl as never)).toThrow(InvalidArgumentError);
    expect(() => validateAcl(acl as never)).toThrow(message);
  });
});
