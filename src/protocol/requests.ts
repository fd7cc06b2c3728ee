import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { readMultiOps, writeMultiOps, writeMultiReadOps } from './multi.js';
import { ProtocolError } from './protocol-error.js';
import { opCodeOf, readRequestBody, requestOpForCode, writeRequestBody } from './request-body.js';
import type { Request } from './request-types.js';

/**
 * Encodes one request as a complete frame: int32 length prefix, `RequestHeader{int xid; int type}`
 * and the request record, written straight into one buffer (the prefix is patched at the end).
 * Throws {@link ProtocolError} for an unknown `op` or a value that does not fit its jute type.
 *
 * @example
 * ```ts
 * socket.write(encodeRequest(7, { op: 'exists', path: '/a', watch: true }));
 * socket.write(encodeRequest(Xid.ping, { op: 'ping' }));
 * ```
 */
export function encodeRequest(xid: number, req: Request): Buffer {
  const code = opCodeOf(req);
  if (code === undefined) throw new ProtocolError(`unknown request op ${JSON.stringify(req?.op)}`);
  const w = new JuteWriter(initialSize(req)).beginFrame().writeInt(xid).writeInt(code);
  if (req.op === 'multi') writeMultiOps(w, req.ops);
  else if (req.op === 'multiRead') writeMultiReadOps(w, req.ops);
  else writeRequestBody(w, req);
  return w.finishFrame();
}

function initialSize(req: Request): number {
  if ('data' in req && req.data instanceof Uint8Array) return 128 + req.data.length;
  return 128;
}

/**
 * Decodes a request frame body (without its length prefix): the inverse of
 * {@link encodeRequest}, for tests and fake servers. Null buffers decode as empty buffers and
 * null string vectors as empty arrays.
 *
 * @example
 * ```ts
 * const { xid, req } = decodeRequest(frameBody);
 * if (req.op === 'ping') reply(xid);
 * ```
 */
export function decodeRequest(body: Buffer): { xid: number; req: Request } {
  const r = new JuteReader(body);
  const xid = r.readInt();
  const type = r.readInt();
  const op = requestOpForCode(type);
  if (op === undefined) throw new ProtocolError(`unknown request opcode ${type}`);
  if (op === 'multi') return { xid, req: { op, ops: readMultiOps(r, false) } };
  if (op === 'multiRead') return { xid, req: { op, ops: readMultiOps(r, true) } };
  return { xid, req: readRequestBody(op, r) };
}
