/**
 * Thrown by the codec when bytes cannot be decoded (truncated record, negative or oversize
 * length, unknown opcode or result type) or a value cannot be encoded (an `int` outside
 * 32 bits, a `long` outside 64 bits, an unknown request `op`).
 *
 * A connection that receives a ProtocolError is out of sync with its server and must be
 * dropped; the codec never throws `RangeError` or any other exception type for bad bytes.
 *
 * @example
 * ```ts
 * import { JuteReader, ProtocolError } from './index.js';
 * try {
 *   new JuteReader(Buffer.from([0, 0])).readInt();
 * } catch (err) {
 *   if (err instanceof ProtocolError) console.log(err.message); // "truncated: need 4 bytes ..."
 * }
 * ```
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
