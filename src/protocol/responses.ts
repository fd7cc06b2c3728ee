import {
  type Acl,
  type ClientInfo,
  readAcl,
  readClientInfo,
  readStat,
  type Stat,
  writeAcl,
  writeClientInfo,
  writeStat,
  writeStringItem,
} from './data-records.js';
import type { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { type MultiResult, readMultiResults, writeMultiResults } from './multi.js';
import { ProtocolError } from './protocol-error.js';
import type { RequestOp } from './request-types.js';

/**
 * `ReplyHeader{int xid; long zxid; int err}`, the start of every server frame after the
 * handshake. A body follows only when `err` is 0 (or for a notification, xid -1).
 *
 * @example
 * ```ts
 * const h: ReplyHeader = { xid: 1, zxid: 0x100000002n, err: 0 };
 * ```
 */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

/**
 * The decoded body of a successful reply, discriminated on `op`. Operations whose reply has no
 * record (delete, auth, setWatches(2), removeWatches, checkWatches, addWatch, ping,
 * closeSession) decode as `{ op: 'empty' }`.
 *
 * @example
 * ```ts
 * const res = decodeResponse('getData', reader);
 * if (res.op === 'getData') console.log(res.data.toString(), res.stat.version);
 * ```
 */
export type Response =
  | { op: 'create'; path: string }
  | { op: 'create2' | 'createContainer' | 'createTTL'; path: string; stat: Stat }
  | { op: 'exists' | 'setData' | 'setACL' | 'check'; stat: Stat }
  | { op: 'getData'; data: Buffer; stat: Stat }
  | { op: 'getACL'; acl: Acl[]; stat: Stat }
  | { op: 'getChildren'; children: string[] }
  | { op: 'getChildren2'; children: string[]; stat: Stat }
  | { op: 'sync'; path: string }
  | { op: 'multi' | 'multiRead'; results: MultiResult[] }
  | { op: 'reconfig'; data: Buffer; stat: Stat }
  | { op: 'getEphemerals'; ephemerals: string[] }
  | { op: 'getAllChildrenNumber'; totalNumber: number }
  | { op: 'whoAmI'; clientInfo: ClientInfo[] }
  | { op: 'sasl'; token: Buffer }
  | { op: 'empty' };

/**
 * Reads a {@link ReplyHeader}.
 *
 * @example
 * ```ts
 * const r = new JuteReader(frameBody);
 * const header = decodeReplyHeader(r);
 * ```
 */
export function decodeReplyHeader(r: JuteReader): ReplyHeader {
  const xid = r.readInt();
  const zxid = r.readLong();
  const err = r.readInt();
  return { xid, zxid, err };
}

/**
 * Decodes the body that follows a ReplyHeader with `err == 0` for a request `op`. Trailing
 * bytes are ignored (addWatch replies carry an `ErrorResponse{0}`; newer servers may append
 * fields). Throws {@link ProtocolError} on truncated or malformed bytes.
 *
 * @example
 * ```ts
 * const header = decodeReplyHeader(r);
 * if (header.err === 0) resolve(decodeResponse(pending.req.op, r));
 * ```
 */
export function decodeResponse(op: RequestOp, r: JuteReader): Response {
  switch (op) {
    case 'create':
    case 'sync':
      return { op, path: r.readRequiredString('path') };
    case 'create2':
    case 'createContainer':
    case 'createTTL': {
      const path = r.readRequiredString('path');
      return { op, path, stat: readStat(r) };
    }
    case 'exists':
    case 'setData':
    case 'setACL':
    case 'check':
      return { op, stat: readStat(r) };
    case 'getData':
    case 'reconfig': {
      const data = r.readBufferOrEmpty();
      return { op, data, stat: readStat(r) };
    }
    case 'getACL': {
      const acl = r.readVector(readAcl) ?? [];
      return { op, acl, stat: readStat(r) };
    }
    case 'getChildren':
      return { op, children: r.readStringList() };
    case 'getChildren2': {
      const children = r.readStringList();
      return { op, children, stat: readStat(r) };
    }
    case 'multi':
    case 'multiRead':
      return { op, results: readMultiResults(r) };
    case 'getEphemerals':
      return { op, ephemerals: r.readStringList() };
    case 'getAllChildrenNumber':
      return { op, totalNumber: r.readInt() };
    case 'whoAmI':
      return { op, clientInfo: r.readVector(readClientInfo) ?? [] };
    case 'sasl':
      return { op, token: r.readBufferOrEmpty() };
    case 'delete':
    case 'auth':
    case 'setWatches':
    case 'setWatches2':
    case 'removeWatches':
    case 'checkWatches':
    case 'addWatch':
    case 'ping':
    case 'closeSession':
      return { op: 'empty' };
    default:
      throw new ProtocolError(`cannot decode a reply for unknown op ${JSON.stringify(op)}`);
  }
}

/**
 * Encodes a framed reply: ReplyHeader plus, when given and not `empty`, the response record.
 * For fake servers and tests.
 *
 * @example
 * ```ts
 * socket.write(encodeReply({ xid, zxid: 5n, err: 0 }, { op: 'exists', stat }));
 * socket.write(encodeReply({ xid, zxid: 5n, err: ErrorCode.noNode }));
 * ```
 */
export function encodeReply(header: ReplyHeader, res?: Response): Buffer {
  const w = new JuteWriter(res && 'data' in res ? 160 + res.data.length : 160).beginFrame();
  w.writeInt(header.xid).writeLong(header.zxid).writeInt(header.err);
  if (res !== undefined) writeResponseBody(w, res);
  return w.finishFrame();
}

function writeResponseBody(w: JuteWriter, res: Response): void {
  switch (res.op) {
    case 'create':
    case 'sync':
      w.writeString(res.path);
      return;
    case 'create2':
    case 'createContainer':
    case 'createTTL':
      w.writeString(res.path);
      writeStat(w, res.stat);
      return;
    case 'exists':
    case 'setData':
    case 'setACL':
    case 'check':
      writeStat(w, res.stat);
      return;
    case 'getData':
    case 'reconfig':
      w.writeBuffer(res.data);
      writeStat(w, res.stat);
      return;
    case 'getACL':
      w.writeVector(res.acl, writeAcl);
      writeStat(w, res.stat);
      return;
    case 'getChildren':
      w.writeVector(res.children, writeStringItem);
      return;
    case 'getChildren2':
      w.writeVector(res.children, writeStringItem);
      writeStat(w, res.stat);
      return;
    case 'multi':
    case 'multiRead':
      writeMultiResults(w, res.results);
      return;
    case 'getEphemerals':
      w.writeVector(res.ephemerals, writeStringItem);
      return;
    case 'getAllChildrenNumber':
      w.writeInt(res.totalNumber);
      return;
    case 'whoAmI':
      w.writeVector(res.clientInfo, writeClientInfo);
      return;
    case 'sasl':
      w.writeBuffer(res.token);
      return;
    case 'empty':
      return;
    default:
      throw new ProtocolError(
        `cannot encode a reply for unknown op ${JSON.stringify((res as { op?: unknown })?.op)}`,
      );
  }
}
