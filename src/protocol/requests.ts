import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { readMultiOps, writeMultiOps, writeMultiReadOps } from './multi.js';
import { ProtocolError } from './protocol-error.js';
import { opCodeOf, readRequestBody, requestOpForCode, writeRequestBody } from './request-body.js';
import type { Request } from './request-types.js';

/**
 * Encodes one request as a complete frame: int32 length prefix, `RequestHeader{int xid; int type}`
 * and the request record, written straight into one buffer (the prefix is patched at the end).
 * Throws {@link ProtocolError} for an unknown `op`, a value that does not fit its jute type, or a
 * standalone `check` (see {@link STANDALONE_CHECK_REFUSED}; put it inside a `multi`).
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
  if (req.op === 'check') throw new ProtocolError(STANDALONE_CHECK_REFUSED);
  const w = new JuteWriter(initialSize(req)).beginFrame().writeInt(xid).writeInt(code);
  if (req.op === 'multi') writeMultiOps(w, req.ops);
  else if (req.op === 'multiRead') writeMultiReadOps(w, req.ops);
  else writeRequestBody(w, req);
  return w.finishFrame();
}

/**
 * Why {@link encodeRequest} refuses a standalone `check` (opcode 13): ZooKeeper (verified on
 * 3.8.0) commits it as a CheckVersionTxn that `SerializeUtils.deserializeTxn` cannot read back,
 * so every server that later reloads its database from the txn log fails forever ("Unsupported
 * Txn with type=13") and the ensemble loses quorum. Inside a `multi` it is safe.
 */
export const STANDALONE_CHECK_REFUSED =
  'standalone check (opcode 13) is refused: ZooKeeper 3.8 logs it as a txn it cannot replay, which ' +
  'makes restarted servers fail forever; send it inside a multi: { op: "multi", ops: [{ op: "check", ... }] }';

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
