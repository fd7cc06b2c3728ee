// fast-check arbitraries for every protocol record.
import fc from 'fast-check';
import type {
  Acl,
  MultiOp,
  MultiReadOp,
  MultiResult,
  Request,
  Response,
  Stat,
} from '../../../src/protocol/index.js';

export const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
export const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
/** any Unicode text without lone surrogates (which UTF-8 cannot carry) */
export const text = fc.string({ unit: 'binary', maxLength: 24 });
export const path = text.map((s) => `/${s}`);
export const paths = fc.array(path, { maxLength: 5 });
export const buffer = fc.uint8Array({ maxLength: 48 }).map((u) => Buffer.from(u));

export const stat: fc.Arbitrary<Stat> = fc.record({
  czxid: long,
  mzxid: long,
  ctime: fc.maxSafeInteger(),
  mtime: fc.maxSafeInteger(),
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: long,
  dataLength: int32,
  numChildren: int32,
  pzxid: long,
});

export const acl: fc.Arbitrary<Acl> = fc.record({ perms: int32, id: fc.record({ scheme: text, id: text }) });
export const acls = fc.array(acl, { maxLength: 4 });

const createOp = fc.record({
  op: fc.constantFrom('create' as const, 'create2' as const, 'createContainer' as const),
  path,
  data: buffer,
  acl: acls,
  flags: int32,
});
const createTtlOp = fc.record({
  op: fc.constant('createTTL' as const),
  path,
  data: buffer,
  acl: acls,
  flags: int32,
  ttl: long,
});
const versioned = <T extends 'delete' | 'check'>(op: T) =>
  fc.record({ op: fc.constant(op), path, version: int32 });
const setDataOp = fc.record({ op: fc.constant('setData' as const), path, data: buffer, version: int32 });

export const multiOp: fc.Arbitrary<MultiOp> = fc.oneof(
  createOp,
  createTtlOp,
  versioned('delete'),
  versioned('check'),
  setDataOp,
);
export const multiReadOp: fc.Arbitrary<MultiReadOp> = fc.record({
  op: fc.constantFrom('getData' as const, 'getChildren' as const),
  path,
});

const watchLists = {
  relativeZxid: long,
  dataWatches: paths,
  existWatches: paths,
  childWatches: paths,
};

/** Every request that encodeRequest accepts (standalone check is refused, so it is not here). */
export const request: fc.Arbitrary<Request> = fc.oneof(
  createOp,
  createTtlOp,
  versioned('delete'),
  fc.record({
    op: fc.constantFrom(
      'exists' as const,
      'getData' as const,
      'getChildren' as const,
      'getChildren2' as const,
    ),
    path,
    watch: fc.boolean(),
  }),
  setDataOp,
  fc.record({
    op: fc.constantFrom('getACL' as const, 'sync' as const, 'getAllChildrenNumber' as const),
    path,
  }),
  fc.record({ op: fc.constant('setACL' as const), path, acl: acls, version: int32 }),
  fc.record({ op: fc.constant('multi' as const), ops: fc.array(multiOp, { maxLength: 6 }) }),
  fc.record({ op: fc.constant('multiRead' as const), ops: fc.array(multiReadOp, { maxLength: 6 }) }),
  fc.record({
    op: fc.constant('reconfig' as const),
    joiningServers: fc.option(text, { nil: null }),
    leavingServers: fc.option(text, { nil: null }),
    newMembers: fc.option(text, { nil: null }),
    curConfigId: long,
  }),
  fc.record({ op: fc.constantFrom('checkWatches' as const, 'removeWatches' as const), path, type: int32 }),
  fc.record({ op: fc.constant('auth' as const), type: int32, scheme: text, auth: buffer }),
  fc.record({ op: fc.constant('setWatches' as const), ...watchLists }),
  fc.record({
    op: fc.constant('setWatches2' as const),
    ...watchLists,
    persistentWatches: paths,
    persistentRecursiveWatches: paths,
  }),
  fc.record({ op: fc.constant('getEphemerals' as const), prefixPath: path }),
  fc.record({ op: fc.constant('addWatch' as const), path, mode: int32 }),
  fc.record({ op: fc.constantFrom('whoAmI' as const, 'ping' as const, 'closeSession' as const) }),
  fc.record({ op: fc.constant('sasl' as const), token: buffer }),
);

export const multiResult: fc.Arbitrary<MultiResult> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), path }),
  fc.record({ type: fc.constant('create2' as const), path, stat }),
  fc.record({ type: fc.constantFrom('delete' as const, 'check' as const) }),
  fc.record({ type: fc.constant('setData' as const), stat }),
  fc.record({ type: fc.constant('getData' as const), data: buffer, stat }),
  fc.record({ type: fc.constant('getChildren' as const), children: fc.array(text, { maxLength: 5 }) }),
  fc.record({ type: fc.constant('error' as const), err: int32 }),
);

/** Every response body. */
export const response: fc.Arbitrary<Response> = fc.oneof(
  fc.record({ op: fc.constantFrom('create' as const, 'sync' as const), path }),
  fc.record({
    op: fc.constantFrom('create2' as const, 'createContainer' as const, 'createTTL' as const),
    path,
    stat,
  }),
  fc.record({
    op: fc.constantFrom('exists' as const, 'setData' as const, 'setACL' as const, 'check' as const),
    stat,
  }),
  fc.record({ op: fc.constantFrom('getData' as const, 'reconfig' as const), data: buffer, stat }),
  fc.record({ op: fc.constant('getACL' as const), acl: acls, stat }),
  fc.record({ op: fc.constant('getChildren' as const), children: fc.array(text, { maxLength: 6 }) }),
  fc.record({ op: fc.constant('getChildren2' as const), children: fc.array(text, { maxLength: 6 }), stat }),
  fc.record({
    op: fc.constantFrom('multi' as const, 'multiRead' as const),
    results: fc.array(multiResult, { maxLength: 6 }),
  }),
  fc.record({ op: fc.constant('getEphemerals' as const), ephemerals: paths }),
  fc.record({ op: fc.constant('getAllChildrenNumber' as const), totalNumber: int32 }),
  fc.record({
    op: fc.constant('whoAmI' as const),
    clientInfo: fc.array(fc.record({ authScheme: text, user: text }), { maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('sasl' as const), token: buffer }),
  fc.record({ op: fc.constant('empty' as const) }),
);

/** The request op whose reply decodes to `res` ('empty' stands for delete and friends). */
export function requestOpFor(res: Response): Request['op'] {
  return res.op === 'empty' ? 'delete' : res.op;
}
