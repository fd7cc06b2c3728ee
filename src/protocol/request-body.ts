import { readAcl, writeAcl, writeStringItem } from './data-records.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { OpCode } from './op-codes.js';
import { ProtocolError } from './protocol-error.js';
import type { MultiOp, MultiReadOp, Request, RequestOp } from './request-types.js';

/**
 * Opcode of every request `op`.
 *
 * @example
 * ```ts
 * REQUEST_OP_CODES.createContainer; // 19
 * ```
 */
export const REQUEST_OP_CODES: Readonly<Record<RequestOp, number>> = Object.freeze({
  create: OpCode.create,
  create2: OpCode.create2,
  createContainer: OpCode.createContainer,
  createTTL: OpCode.createTTL,
  delete: OpCode.delete,
  exists: OpCode.exists,
  getData: OpCode.getData,
  getChildren: OpCode.getChildren,
  getChildren2: OpCode.getChildren2,
  setData: OpCode.setData,
  getACL: OpCode.getACL,
  setACL: OpCode.setACL,
  sync: OpCode.sync,
  check: OpCode.check,
  multi: OpCode.multi,
  multiRead: OpCode.multiRead,
  reconfig: OpCode.reconfig,
  checkWatches: OpCode.checkWatches,
  removeWatches: OpCode.removeWatches,
  auth: OpCode.auth,
  setWatches: OpCode.setWatches,
  setWatches2: OpCode.setWatches2,
  getEphemerals: OpCode.getEphemerals,
  getAllChildrenNumber: OpCode.getAllChildrenNumber,
  addWatch: OpCode.addWatch,
  whoAmI: OpCode.whoAmI,
  sasl: OpCode.sasl,
  ping: OpCode.ping,
  closeSession: OpCode.closeSession,
});

const OP_BY_CODE = new Map<number, RequestOp>(
  (Object.entries(REQUEST_OP_CODES) as [RequestOp, number][]).map(([op, code]) => [code, op]),
);

/**
 * The request `op` for an opcode, or `undefined` for an opcode that is not a client request.
 *
 * @example
 * ```ts
 * requestOpForCode(15); // 'create2'
 * ```
 */
export function requestOpForCode(code: number): RequestOp | undefined {
  return OP_BY_CODE.get(code);
}

/**
 * Opcode of a request-like value's `op`, or `undefined` when it is not a known request op
 * (never throws, whatever the input).
 *
 * @example
 * ```ts
 * opCodeOf({ op: 'sync', path: '/' }); // 9
 * ```
 */
export function opCodeOf(req: unknown): number | undefined {
  if (typeof req !== 'object' || req === null) return undefined;
  const op = (req as { op?: unknown }).op;
  if (typeof op !== 'string' || !Object.hasOwn(REQUEST_OP_CODES, op)) return undefined;
  return REQUEST_OP_CODES[op as RequestOp];
}

/** Writes the record of a single (non-multi) request; @internal */
export function writeRequestBody(w: JuteWriter, req: Exclude<Request, { op: 'multi' | 'multiRead' }>): void {
  switch (req.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
      w.writeString(req.path).writeBuffer(req.data).writeVector(req.acl, writeAcl).writeInt(req.flags);
      return;
    case 'createTTL':
      w.writeString(req.path).writeBuffer(req.data).writeVector(req.acl, writeAcl).writeInt(req.flags);
      w.writeLong(req.ttl);
      return;
    case 'delete':
    case 'check':
      w.writeString(req.path).writeInt(req.version);
      return;
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getChildren2':
      w.writeString(req.path).writeBool(req.watch);
      return;
    case 'setData':
      w.writeString(req.path).writeBuffer(req.data).writeInt(req.version);
      return;
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      w.writeString(req.path);
      return;
    case 'setACL':
      w.writeString(req.path).writeVector(req.acl, writeAcl).writeInt(req.version);
      return;
    case 'reconfig':
      w.writeString(req.joiningServers).writeString(req.leavingServers).writeString(req.newMembers);
      w.writeLong(req.curConfigId);
      return;
    case 'checkWatches':
    case 'removeWatches':
      w.writeString(req.path).writeInt(req.type);
      return;
    case 'auth':
      w.writeInt(req.type).writeString(req.scheme).writeBuffer(req.auth);
      return;
    case 'setWatches':
      w.writeLong(req.relativeZxid);
      w.writeVector(req.dataWatches, writeStringItem);
      w.writeVector(req.existWatches, writeStringItem);
      w.writeVector(req.childWatches, writeStringItem);
      return;
    case 'setWatches2':
      w.writeLong(req.relativeZxid);
      w.writeVector(req.dataWatches, writeStringItem);
      w.writeVector(req.existWatches, writeStringItem);
      w.writeVector(req.childWatches, writeStringItem);
      w.writeVector(req.persistentWatches, writeStringItem);
      w.writeVector(req.persistentRecursiveWatches, writeStringItem);
      return;
    case 'getEphemerals':
      w.writeString(req.prefixPath);
      return;
    case 'addWatch':
      w.writeString(req.path).writeInt(req.mode);
      return;
    case 'sasl':
      w.writeBuffer(req.token);
      return;
    case 'whoAmI':
    case 'ping':
    case 'closeSession':
      return;
    default:
      throw new ProtocolError(`unknown request op ${JSON.stringify((req as { op: unknown }).op)}`);
  }
}

/** Reads the record of a single (non-multi) request; @internal */
export function readRequestBody(op: Exclude<RequestOp, 'multi' | 'multiRead'>, r: JuteReader): Request {
  switch (op) {
    case 'create':
    case 'create2':
    case 'createContainer': {
      const path = r.readRequiredString('path');
      const data = r.readBufferOrEmpty();
      const acl = r.readVector(readAcl) ?? [];
      return { op, path, data, acl, flags: r.readInt() };
    }
    case 'createTTL': {
      const path = r.readRequiredString('path');
      const data = r.readBufferOrEmpty();
      const acl = r.readVector(readAcl) ?? [];
      const flags = r.readInt();
      return { op, path, data, acl, flags, ttl: r.readLong() };
    }
    case 'delete':
    case 'check': {
      const path = r.readRequiredString('path');
      return { op, path, version: r.readInt() };
    }
    case 'exists':
    case 'getData':
    case 'getChildren':
    case 'getChildren2': {
      const path = r.readRequiredString('path');
      return { op, path, watch: r.readBool() };
    }
    case 'setData': {
      const path = r.readRequiredString('path');
      const data = r.readBufferOrEmpty();
      return { op, path, data, version: r.readInt() };
    }
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      return { op, path: r.readRequiredString('path') };
    case 'setACL': {
      const path = r.readRequiredString('path');
      const acl = r.readVector(readAcl) ?? [];
      return { op, path, acl, version: r.readInt() };
    }
    case 'reconfig': {
      const joiningServers = r.readString();
      const leavingServers = r.readString();
      const newMembers = r.readString();
      return { op, joiningServers, leavingServers, newMembers, curConfigId: r.readLong() };
    }
    case 'checkWatches':
    case 'removeWatches': {
      const path = r.readRequiredString('path');
      return { op, path, type: r.readInt() };
    }
    case 'auth': {
      const type = r.readInt();
      const scheme = r.readRequiredString('auth scheme');
      return { op, type, scheme, auth: r.readBufferOrEmpty() };
    }
    case 'setWatches': {
      const relativeZxid = r.readLong();
      const dataWatches = r.readStringList();
      const existWatches = r.readStringList();
      return { op, relativeZxid, dataWatches, existWatches, childWatches: r.readStringList() };
    }
    case 'setWatches2': {
      const relativeZxid = r.readLong();
      const dataWatches = r.readStringList();
      const existWatches = r.readStringList();
      const childWatches = r.readStringList();
      const persistentWatches = r.readStringList();
      const persistentRecursiveWatches = r.readStringList();
      return {
        op,
        relativeZxid,
        dataWatches,
        existWatches,
        childWatches,
        persistentWatches,
        persistentRecursiveWatches,
      };
    }
    case 'getEphemerals':
      return { op, prefixPath: r.readRequiredString('prefixPath') };
    case 'addWatch': {
      const path = r.readRequiredString('path');
      return { op, path, mode: r.readInt() };
    }
    case 'sasl':
      return { op, token: r.readBufferOrEmpty() };
    case 'whoAmI':
    case 'ping':
    case 'closeSession':
      return { op };
    default:
      throw new ProtocolError(`unknown request op ${JSON.stringify(op)}`);
  }
}

/** Opcodes allowed in a `multi`, mapped to their op; @internal */
export const WRITE_OP_BY_CODE: ReadonlyMap<number, MultiOp['op']> = new Map<number, MultiOp['op']>([
  [OpCode.create, 'create'],
  [OpCode.create2, 'create2'],
  [OpCode.createContainer, 'createContainer'],
  [OpCode.createTTL, 'createTTL'],
  [OpCode.delete, 'delete'],
  [OpCode.setData, 'setData'],
  [OpCode.check, 'check'],
]);

/** Opcodes allowed in a `multiRead`, mapped to their op; @internal */
export const READ_OP_BY_CODE: ReadonlyMap<number, MultiReadOp['op']> = new Map<number, MultiReadOp['op']>([
  [OpCode.getData, 'getData'],
  [OpCode.getChildren, 'getChildren'],
]);
