import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { ProtocolError } from './protocol-error.js';

/**
 * The handshake a client sends as its first frame (no RequestHeader).
 *
 * @example
 * ```ts
 * const req: ConnectRequest = { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000,
 *   sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false };
 * ```
 */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  /** requested session timeout in ms */
  timeOut: number;
  /** 0n for a new session */
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

/**
 * The server's reply to {@link ConnectRequest}. `timeOut <= 0` means the session expired.
 *
 * @example
 * ```ts
 * const res = decodeConnectResponse(frame);
 * if (res.timeOut <= 0) throw new Error('session expired');
 * ```
 */
export interface ConnectResponse {
  protocolVersion: number;
  /** negotiated session timeout in ms */
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  /** false when the server omitted the byte */
  readOnly: boolean;
}

/**
 * Encodes a framed (length-prefixed) ConnectRequest, always including the `readOnly` byte.
 *
 * @example
 * ```ts
 * socket.write(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000,
 *   sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false }));
 * ```
 */
export function encodeConnectRequest(req: ConnectRequest): Buffer {
  return new JuteWriter(64)
    .beginFrame()
    .writeInt(req.protocolVersion)
    .writeLong(req.lastZxidSeen)
    .writeInt(req.timeOut)
    .writeLong(req.sessionId)
    .writeBuffer(req.passwd)
    .writeBool(req.readOnly)
    .finishFrame();
}

/**
 * Decodes a ConnectRequest body (frame without its prefix); `readOnly` is false when absent
 * (pre-3.4 clients). For tests and fake servers.
 *
 * @example
 * ```ts
 * const req = decodeConnectRequest(frame);
 * ```
 */
export function decodeConnectRequest(body: Buffer): ConnectRequest {
  const r = new JuteReader(body);
  const protocolVersion = r.readInt();
  const lastZxidSeen = r.readLong();
  const timeOut = r.readInt();
  const sessionId = r.readLong();
  const passwd = r.readBuffer() ?? Buffer.alloc(0);
  const readOnly = r.remaining > 0 ? r.readBool() : false;
  return { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly };
}

/**
 * Encodes a framed ConnectResponse including the `readOnly` byte. For fake servers.
 *
 * @example
 * ```ts
 * socket.write(encodeConnectResponse({ protocolVersion: 0, timeOut: 4000, sessionId: 1n,
 *   passwd: Buffer.alloc(16), readOnly: false }));
 * ```
 */
export function encodeConnectResponse(res: ConnectResponse): Buffer {
  return new JuteWriter(64)
    .beginFrame()
    .writeInt(res.protocolVersion)
    .writeInt(res.timeOut)
    .writeLong(res.sessionId)
    .writeBuffer(res.passwd)
    .writeBool(res.readOnly)
    .finishFrame();
}

/**
 * Decodes a ConnectResponse body (frame without its prefix). The trailing `readOnly` byte is
 * read only if present (servers answer "old" clients without it).
 *
 * @example
 * ```ts
 * const { sessionId, timeOut, passwd } = decodeConnectResponse(frame);
 * ```
 */
export function decodeConnectResponse(body: Buffer): ConnectResponse {
  const r = new JuteReader(body);
  const protocolVersion = r.readInt();
  const timeOut = r.readInt();
  const sessionId = r.readLong();
  const passwd = r.readBuffer();
  if (passwd === null) throw new ProtocolError('ConnectResponse without a session password');
  const readOnly = r.remaining > 0 ? r.readBool() : false;
  return { protocolVersion, timeOut, sessionId, passwd, readOnly };
}
