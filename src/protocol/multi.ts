import { readStat, type Stat, writeStat, writeStringItem } from './data-records.js';
import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { OpCode } from './op-codes.js';
import { ProtocolError } from './protocol-error.js';
import {
  READ_OP_BY_CODE,
  opCodeOf,
  readRequestBody,
  WRITE_OP_BY_CODE,
  writeRequestBody,
} from './request-body.js';
import type { MultiOp, MultiReadOp } from './request-types.js';

/**
 * One result of a `multi` or `multiRead` reply. Creates of type create2, createContainer and
 * createTTL all come back as `create2` (result type 15). When a `multi` fails, every result is
 * an `error`: `err` is 0 before the failing op, the failure code at it, and -2
 * (runtimeInconsistency) after it. `multiRead` reports errors per op and never rolls back.
 *
 * @example
 * ```ts
 * const failed = results.find((r) => r.type === 'error' && r.err !== 0);
 * ```
 */
export type MultiResult =
  | { type: 'create'; path: string }
  | { type: 'create2'; path: string; stat: Stat }
  | { type: 'delete' }
  | { type: 'check' }
  | { type: 'setData'; stat: Stat }
  | { type: 'getData'; data: Buffer; stat: Stat }
  | { type: 'getChildren'; children: string[] }
  | { type: 'error'; err: number };

/** Writes one `MultiHeader{int type; boolean done; int err}`. */
function writeHeader(w: JuteWriter, type: number, done: boolean, err: number): void {
  w.writeInt(type).writeBool(done).writeInt(err);
}

/** Writes a MultiOperationRecord of write ops (opcode 14), including the terminator; @internal */
export function writeMultiOps(w: JuteWriter, ops: readonly MultiOp[]): void {
  if (!Array.isArray(ops)) throw new ProtocolError('multi: ops must be an array');
  for (const op of ops) {
    const code = opCodeOf(op);
    if (code === undefined || !WRITE_OP_BY_CODE.has(code)) {
      throw new ProtocolError(`multi: ${JSON.stringify(op?.op)} is not a write op allowed in a multi`);
    }
    writeHeader(w, code, false, -1);
    writeRequestBody(w, op);
  }
  writeHeader(w, -1, true, -1);
}

/** Writes a MultiOperationRecord of read ops (opcode 22), including the terminator; @internal */
export function writeMultiReadOps(w: JuteWriter, ops: readonly MultiReadOp[]): void {
  if (!Array.isArray(ops)) throw new ProtocolError('multiRead: ops must be an array');
  for (const op of ops) {
    if (op?.op !== 'getData' && op?.op !== 'getChildren') {
      throw new ProtocolError(`multiRead: ${JSON.stringify(op?.op)} is not getData or getChildren`);
    }
    writeHeader(w, op.op === 'getData' ? OpCode.getData : OpCode.getChildren, false, -1);
    w.writeString(op.path).writeBool(false);
  }
  writeHeader(w, -1, true, -1);
}

/** Reads the ops of a MultiOperationRecord up to its terminator; @internal */
export function readMultiOps(r: JuteReader, read: false): MultiOp[];
export function readMultiOps(r: JuteReader, read: true): MultiReadOp[];
export function readMultiOps(r: JuteReader, read: boolean): MultiOp[] | MultiReadOp[] {
  const out: (MultiOp | MultiReadOp)[] = [];
  for (;;) {
    const type = r.readInt();
    const done = r.readBool();
    r.readInt(); // err, always -1 in requests
    if (done) return out as MultiOp[] | MultiReadOp[];
    if (read) {
      const op = READ_OP_BY_CODE.get(type);
      if (op === undefined) throw new ProtocolError(`multiRead: unexpected op type ${type}`);
      const path = r.readRequiredString('path');
      r.readBool(); // watch
      out.push({ op, path });
    } else {
      const op = WRITE_OP_BY_CODE.get(type);
      if (op === undefined) throw new ProtocolError(`multi: unexpected op type ${type}`);
      out.push(readRequestBody(op, r) as MultiOp);
    }
  }
}

/** Reads the results of a MultiResponse up to its terminator; @internal */
export function readMultiResults(r: JuteReader): MultiResult[] {
  const out: MultiResult[] = [];
  for (;;) {
    const type = r.readInt();
    const done = r.readBool();
    r.readInt(); // header err; the ErrorResponse body repeats it
    if (done) return out;
    out.push(readResult(type, r));
  }
}

function readResult(type: number, r: JuteReader): MultiResult {
  switch (type) {
    case OpCode.create:
      return { type: 'create', path: r.readRequiredString('path') };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const path = r.readRequiredString('path');
      return { type: 'create2', path, stat: readStat(r) };
    }
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.setData:
      return { type: 'setData', stat: readStat(r) };
    case OpCode.getData: {
      const data = r.readBufferOrEmpty();
      return { type: 'getData', data, stat: readStat(r) };
    }
    case OpCode.getChildren:
      return { type: 'getChildren', children: r.readStringList() };
    case OpCode.error:
      return { type: 'error', err: r.readInt() };
    default:
      throw new ProtocolError(`multi: unknown result type ${type}`);
  }
}

/** Writes MultiResponse results including the terminator (for fake servers); @internal */
export function writeMultiResults(w: JuteWriter, results: readonly MultiResult[]): void {
  if (!Array.isArray(results)) throw new ProtocolError('multi: results must be an array');
  for (const res of results) {
    switch (res?.type) {
      case 'create':
        writeHeader(w, OpCode.create, false, 0);
        w.writeString(res.path);
        break;
      case 'create2':
        writeHeader(w, OpCode.create2, false, 0);
        w.writeString(res.path);
        writeStat(w, res.stat);
        break;
      case 'delete':
        writeHeader(w, OpCode.delete, false, 0);
        break;
      case 'check':
        writeHeader(w, OpCode.check, false, 0);
        break;
      case 'setData':
        writeHeader(w, OpCode.setData, false, 0);
        writeStat(w, res.stat);
        break;
      case 'getData':
        writeHeader(w, OpCode.getData, false, 0);
        w.writeBuffer(res.data);
        writeStat(w, res.stat);
        break;
      case 'getChildren':
        writeHeader(w, OpCode.getChildren, false, 0);
        w.writeVector(res.children, writeStringItem);
        break;
      case 'error':
        writeHeader(w, OpCode.error, false, res.err);
        w.writeInt(res.err);
        break;
      default:
        throw new ProtocolError(
          `multi: unknown result type ${JSON.stringify((res as { type?: unknown })?.type)}`,
        );
    }
  }
  writeHeader(w, -1, true, -1);
}
