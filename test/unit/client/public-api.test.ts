import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../../src/index.js';
import type {
  Acl,
  ClientOptions,
  CreateMode,
  OpResult,
  PersistentWatch,
  ReadResult,
  SessionState,
  Stat,
  Transaction,
  WatchEvent,
  ZooKeeperClient,
} from '../../../src/index.js';

describe('public API (src/index.ts)', () => {
  it('exports the contract values', () => {
    for (const name of [
      'createClient',
      'connect',
      'DEFAULT_CLIENT_OPTIONS',
      'OPEN_ACL_UNSAFE',
      'CREATOR_ALL_ACL',
      'READ_ACL_UNSAFE',
      'Perms',
      'digestAcl',
      'ZooKeeperError',
      'NoNodeError',
      'NodeExistsError',
      'BadVersionError',
      'NotEmptyError',
      'NoAuthError',
      'InvalidAclError',
      'SessionExpiredError',
      'ConnectionLossError',
      'OperationTimeoutError',
      'NoChildrenForEphemeralsError',
      'NotReadOnlyError',
      'SessionMovedError',
      'UnimplementedError',
      'ClientClosedError',
      'RequestTimeoutError',
      'InvalidArgumentError',
      'isRetryable',
      'exponentialBackoff',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
    expect(new api.InvalidArgumentError('x')).toBeInstanceOf(TypeError);
    expect(api.DEFAULT_CLIENT_OPTIONS.sessionTimeoutMs).toBe(30_000);
    expect(api.DEFAULT_CLIENT_OPTIONS.defaultAcl).toBe(api.OPEN_ACL_UNSAFE);
  });

  it('has the contract types', () => {
    expectTypeOf(api.createClient).parameters.toEqualTypeOf<[string, ClientOptions?]>();
    expectTypeOf(api.createClient).returns.toEqualTypeOf<ZooKeeperClient>();
    expectTypeOf(api.connect).returns.resolves.toEqualTypeOf<ZooKeeperClient>();
    expectTypeOf<ZooKeeperClient['create']>().returns.resolves.toEqualTypeOf<{ path: string; stat: Stat }>();
    expectTypeOf<ZooKeeperClient['exists']>().returns.resolves.toEqualTypeOf<Stat | null>();
    expectTypeOf<ZooKeeperClient['getData']>().returns.resolves.toEqualTypeOf<{ data: Buffer; stat: Stat }>();
    expectTypeOf<ZooKeeperClient['multi']>().returns.toEqualTypeOf<Transaction>();
    expectTypeOf<Transaction['commit']>().returns.resolves.toEqualTypeOf<OpResult[]>();
    expectTypeOf<ZooKeeperClient['multiRead']>().returns.resolves.toEqualTypeOf<ReadResult[]>();
    expectTypeOf<ZooKeeperClient['addWatch']>().returns.resolves.toEqualTypeOf<PersistentWatch>();
    expectTypeOf<ZooKeeperClient['state']>().toEqualTypeOf<SessionState>();
    expectTypeOf<ZooKeeperClient['sessionId']>().toEqualTypeOf<bigint>();
    expectTypeOf<ZooKeeperClient>().toMatchTypeOf<AsyncDisposable>();
    expectTypeOf<PersistentWatch>().toMatchTypeOf<AsyncDisposable>();
    expectTypeOf<OpResult['type']>().toEqualTypeOf<'create' | 'delete' | 'setData' | 'check'>();
    expectTypeOf<WatchEvent['type']>().toEqualTypeOf<
      | 'created'
      | 'deleted'
      | 'data-changed'
      | 'children-changed'
      | 'session-lost'
      | 'closed'
      | 'watch-removed'
    >();
    expectTypeOf<'container'>().toMatchTypeOf<CreateMode>();
    expectTypeOf(api.OPEN_ACL_UNSAFE).toEqualTypeOf<Acl[]>();
    expectTypeOf(api.digestAcl).returns.toEqualTypeOf<Acl>();
    // Version 0 must be expressible; a missing version means any.
    expectTypeOf<Parameters<ZooKeeperClient['setData']>[2]>().toEqualTypeOf<api.VersionOptions | undefined>();
  });
});
