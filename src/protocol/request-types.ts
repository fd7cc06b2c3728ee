import type { Acl } from './data-records.js';

/**
 * Every client request, as a discriminated union on `op`. Paths are server paths (the client
 * applies its chroot before encoding). `version: -1` means "any version".
 *
 * @example
 * ```ts
 * const req: Request = { op: 'getData', path: '/config', watch: true };
 * const frame = encodeRequest(1, req);
 * ```
 */
export type Request =
  | { op: 'create' | 'create2' | 'createContainer'; path: string; data: Buffer; acl: Acl[]; flags: number }
  | { op: 'createTTL'; path: string; data: Buffer; acl: Acl[]; flags: number; ttl: bigint }
  | { op: 'delete'; path: string; version: number }
  | { op: 'exists' | 'getData' | 'getChildren' | 'getChildren2'; path: string; watch: boolean }
  | { op: 'setData'; path: string; data: Buffer; version: number }
  | { op: 'getACL'; path: string }
  | { op: 'setACL'; path: string; acl: Acl[]; version: number }
  | { op: 'sync'; path: string }
  | { op: 'check'; path: string; version: number }
  | { op: 'multi'; ops: MultiOp[] }
  | { op: 'multiRead'; ops: MultiReadOp[] }
  | {
      op: 'reconfig';
      joiningServers: string | null;
      leavingServers: string | null;
      newMembers: string | null;
      curConfigId: bigint;
    }
  | { op: 'checkWatches' | 'removeWatches'; path: string; type: number }
  | { op: 'auth'; type: number; scheme: string; auth: Buffer }
  | {
      op: 'setWatches';
      relativeZxid: bigint;
      dataWatches: string[];
      existWatches: string[];
      childWatches: string[];
    }
  | {
      op: 'setWatches2';
      relativeZxid: bigint;
      dataWatches: string[];
      existWatches: string[];
      childWatches: string[];
      persistentWatches: string[];
      persistentRecursiveWatches: string[];
    }
  | { op: 'getEphemerals'; prefixPath: string }
  | { op: 'getAllChildrenNumber'; path: string }
  | { op: 'addWatch'; path: string; mode: number }
  | { op: 'whoAmI' }
  | { op: 'sasl'; token: Buffer }
  | { op: 'ping' }
  | { op: 'closeSession' };

/**
 * A write operation inside a `multi` request.
 *
 * @example
 * ```ts
 * const ops: MultiOp[] = [{ op: 'check', path: '/a', version: 3 }, { op: 'delete', path: '/a/b', version: -1 }];
 * ```
 */
export type MultiOp = Extract<
  Request,
  { op: 'create' | 'create2' | 'createContainer' | 'createTTL' | 'delete' | 'setData' | 'check' }
>;

/**
 * A read operation inside a `multiRead` request (never sets a watch).
 *
 * @example
 * ```ts
 * const ops: MultiReadOp[] = [{ op: 'getData', path: '/a' }, { op: 'getChildren', path: '/b' }];
 * ```
 */
export type MultiReadOp = { op: 'getData' | 'getChildren'; path: string };

/** The `op` name of a {@link Request}. */
export type RequestOp = Request['op'];
