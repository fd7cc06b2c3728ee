import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BadVersionError,
  CREATOR_ALL_ACL,
  digestAcl,
  InvalidAclError,
  NoAuthError,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
} from '../../src/index.js';
import { newClient, zkConnectString } from '../support/zk.js';

describe('ACLs and digest auth', () => {
  it('protects a node with a digest ACL: NoAuth without the credentials, access with them', async () => {
    const owner = await newClient({ auth: [{ scheme: 'digest', auth: 'alice:wonderland' }] });
    const cs = `${zkConnectString()}${owner.chroot}`;
    await owner.create('/secret', 'top', { acl: [digestAcl('alice', 'wonderland')] });
    expect((await owner.getData('/secret')).data.toString()).toBe('top');

    const stranger = await newClient({ connectString: cs });
    await expect(stranger.getData('/secret')).rejects.toBeInstanceOf(NoAuthError);
    await expect(stranger.setData('/secret', 'x')).rejects.toBeInstanceOf(NoAuthError);
    const noAuth = await stranger.getData('/secret').catch((e: unknown) => e);
    expect((noAuth as NoAuthError).path).toBe('/secret');

    await stranger.addAuth('digest', 'alice:wonderland');
    expect((await stranger.getData('/secret')).data.toString()).toBe('top');
    const who = await stranger.whoAmI();
    expect(who).toContainEqual({ authScheme: 'digest', user: 'alice' });
  });

  it('CREATOR_ALL_ACL needs an authenticated session and grants only it', async () => {
    const anon = await newClient();
    await expect(anon.create('/mine', '', { acl: CREATOR_ALL_ACL })).rejects.toBeInstanceOf(InvalidAclError);
    await anon.addAuth('digest', 'bob:builder');
    await anon.create('/mine', 'b', { acl: CREATOR_ALL_ACL });
    const { acl } = await anon.getACL('/mine');
    expect(acl).toEqual([digestAcl('bob', 'builder')]);
    const other = await newClient({ connectString: `${zkConnectString()}${anon.chroot}` });
    await expect(other.getData('/mine')).rejects.toBeInstanceOf(NoAuthError);
  });

  it('getACL / setACL with versions; a read-only ACL forbids writes', async () => {
    const zk = await newClient();
    await zk.create('/ro', 'r');
    const before = await zk.getACL('/ro');
    expect(before.acl).toEqual(OPEN_ACL_UNSAFE);
    expect(before.stat.aversion).toBe(0);
    // READ_ACL_UNSAFE plus an entry unique to this test, so the server's shared ACL cache entry
    // for READ_ACL_UNSAFE (reference-counted across every node on the ensemble) is not involved.
    const readOnly = [...READ_ACL_UNSAFE, digestAcl(`nobody-${randomUUID()}`, 'x', Perms.read)];
    await expect(zk.setACL('/ro', readOnly, { version: 1 })).rejects.toBeInstanceOf(BadVersionError);
    const stat = await zk.setACL('/ro', readOnly, { version: 0 });
    expect(stat.aversion).toBe(1);
    // Without ADMIN the server masks digest hashes (`user:x`), so compare the world entry only.
    expect((await zk.getACL('/ro')).acl).toContainEqual(READ_ACL_UNSAFE[0]);
    expect((await zk.getData('/ro')).data.toString()).toBe('r');
    await expect(zk.setData('/ro', 'w')).rejects.toBeInstanceOf(NoAuthError);
    await expect(zk.create('/ro/child')).rejects.toBeInstanceOf(NoAuthError);
  });

  it('a partial-permission digest ACL allows exactly those operations', async () => {
    const zk = await newClient({ auth: [{ scheme: 'digest', auth: 'carol:pw' }] });
    await zk.create('/part', 'p', {
      acl: [digestAcl('carol', 'pw', Perms.read | Perms.admin), ...READ_ACL_UNSAFE],
    });
    expect((await zk.getData('/part')).data.toString()).toBe('p');
    await expect(zk.setData('/part', 'q')).rejects.toBeInstanceOf(NoAuthError);
    await zk.setACL('/part', OPEN_ACL_UNSAFE);
    await zk.setData('/part', 'q');
  });

  it('credentials from options are used for the whole session, Uint8Array too', async () => {
    const zk = await newClient({ auth: [{ scheme: 'digest', auth: new TextEncoder().encode('dave:pw') }] });
    expect(await zk.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'dave' });
  });
});
