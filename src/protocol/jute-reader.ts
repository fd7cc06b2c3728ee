import { ProtocolError } from './protocol-error.js';

/** High words whose long (with any low word) is below 2^53 in magnitude. */
const SAFE_HIGH_WORD = 2 ** 21;

/**
 * Reads jute primitives (big-endian) from a buffer with bounds checks on every read.
 *
 * Every read past the end, every length below -1 and every length larger than the bytes left
 * throws {@link ProtocolError}, never `RangeError`, and never allocates more than the buffer
 * holds (a corrupt vector count cannot make it loop or allocate gigabytes). Strings are decoded
 * as UTF-8 (invalid sequences become U+FFFD, as in the Java client). `buffer` fields are
 * copied out, so the result never aliases the frame it came from.
 *
 * @example
 * ```ts
 * const r = new JuteReader(Buffer.from('0000000200000003', 'hex'));
 * r.readInt(); // 2
 * r.readInt(); // 3
 * r.remaining; // 0
 * ```
 */
export class JuteReader {
  private readonly buf: Buffer;
  private pos: number;

  constructor(buf: Buffer, offset = 0) {
    if (!Buffer.isBuffer(buf)) throw new ProtocolError('JuteReader needs a Buffer');
    if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
      throw new ProtocolError(`offset ${offset} outside a buffer of ${buf.length} bytes`);
    }
    this.buf = buf;
    this.pos = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Position of the next read. */
  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (this.buf.length - this.pos < n) {
      throw new ProtocolError(
        `truncated: need ${n} bytes for ${what} at offset ${this.pos}, have ${this.buf.length - this.pos}`,
      );
    }
  }

  /** Reads a signed 32-bit `int`. */
  readInt(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a signed 64-bit `long`. */
  readLong(): bigint {
    this.need(8, 'long');
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    // zxids (epoch in the high word) fit a double exactly: one BigInt instead of four
    if (hi >= -SAFE_HIGH_WORD && hi < SAFE_HIGH_WORD) return BigInt(hi * 2 ** 32 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * Reads a signed 64-bit `long` as a number, for values known to be below 2^53 in magnitude
   * (times in epoch milliseconds); larger values lose precision as `Number(bigint)` would.
   */
  readLongAsNumber(): number {
    this.need(8, 'long');
    const v = this.buf.readInt32BE(this.pos) * 2 ** 32 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** Reads a `boolean` (any non-zero byte is true, as in Java's `DataInput.readBoolean`). */
  readBool(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  private readLength(what: string): number {
    const at = this.pos;
    const n = this.readInt();
    if (n < -1) throw new ProtocolError(`negative ${what} length ${n} at offset ${at}`);
    if (n > this.remaining) {
      throw new ProtocolError(`${what} length ${n} at offset ${at} exceeds the ${this.remaining} bytes left`);
    }
    return n;
  }

  /** Reads a `buffer` (null when the length is -1); the bytes are copied. */
  readBuffer(): Buffer | null {
    const n = this.readLength('buffer');
    if (n === -1) return null;
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a `ustring` (null when the length is -1) decoded as UTF-8. */
  readString(): string | null {
    const n = this.readLength('ustring');
    if (n === -1) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /**
   * Reads a `vector<T>` (null when the count is -1). Every jute element takes at least one byte,
   * so a count larger than the bytes left is rejected before any element is read.
   */
  readVector<T>(each: (r: JuteReader) => T): T[] | null {
    const n = this.readLength('vector');
    if (n === -1) return null;
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = each(this);
    return out;
  }

  /** Reads a `ustring` that must not be null. */
  readRequiredString(what = 'ustring'): string {
    const s = this.readString();
    if (s === null) throw new ProtocolError(`unexpected null ${what} at offset ${this.pos - 4}`);
    return s;
  }

  /** Reads a `buffer`, mapping null to an empty buffer. */
  readBufferOrEmpty(): Buffer {
    return this.readBuffer() ?? Buffer.alloc(0);
  }

  /** Reads a `vector<ustring>`, mapping a null vector to an empty array and null items to ''. */
  readStringList(): string[] {
    return this.readVector((r) => r.readString() ?? '') ?? [];
  }
}
