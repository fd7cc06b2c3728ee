import { ProtocolError } from './protocol-error.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INITIAL_CAPACITY = 256;

/**
 * Serialises jute primitives (big-endian) into one growable buffer. Appends are amortised
 * O(1): the buffer doubles when full, so a record of n bytes costs O(n) copying in total.
 *
 * Values that do not fit their jute type (a non-integer or out-of-range `int`, a `long`
 * outside the signed 64-bit range) throw {@link ProtocolError} instead of being truncated.
 *
 * For a length-prefixed frame call {@link JuteWriter.beginFrame} first and
 * {@link JuteWriter.finishFrame} last: the prefix is reserved up front and patched at the end,
 * so no intermediate buffers are built.
 *
 * @example
 * ```ts
 * const frame = new JuteWriter().beginFrame().writeInt(7).writeString('/a').finishFrame();
 * // frame = <len=10><00 00 00 07><00 00 00 02>"/a"
 * ```
 */
export class JuteWriter {
  private buf: Buffer;
  private pos = 0;
  private frameStart = -1;

  /** @param initialCapacityBytes first allocation; grows by doubling. */
  constructor(initialCapacityBytes = INITIAL_CAPACITY) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacityBytes));
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Writes a signed 32-bit `int`. */
  writeInt(v: number): this {
    if (!Number.isInteger(v) || v < INT_MIN || v > INT_MAX) {
      throw new ProtocolError(`cannot encode ${String(v)} as a jute int (signed 32-bit integer)`);
    }
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** Writes a signed 64-bit `long`. */
  writeLong(v: bigint): this {
    if (typeof v !== 'bigint' || v < LONG_MIN || v > LONG_MAX) {
      throw new ProtocolError(`cannot encode ${String(v)} as a jute long (signed 64-bit bigint)`);
    }
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** Writes a `boolean` as one byte (1 or 0). */
  writeBool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  /** Writes a `buffer`: int32 length (-1 for null) then the bytes. */
  writeBuffer(v: Uint8Array | null): this {
    if (v === null || v === undefined) return this.writeInt(-1);
    if (!(v instanceof Uint8Array))
      throw new ProtocolError('cannot encode a non-Uint8Array as a jute buffer');
    this.ensure(4 + v.length);
    this.buf.writeInt32BE(v.length, this.pos);
    this.buf.set(v, this.pos + 4);
    this.pos += 4 + v.length;
    return this;
  }

  /** Writes a `ustring`: int32 UTF-8 byte length (-1 for null) then the UTF-8 bytes. */
  writeString(v: string | null): this {
    if (v === null || v === undefined) return this.writeInt(-1);
    if (typeof v !== 'string') throw new ProtocolError(`cannot encode ${typeof v} as a jute ustring`);
    const n = Buffer.byteLength(v, 'utf8');
    this.ensure(4 + n);
    this.buf.writeInt32BE(n, this.pos);
    this.buf.write(v, this.pos + 4, n, 'utf8');
    this.pos += 4 + n;
    return this;
  }

  /** Writes a `vector<T>`: int32 count (-1 for null) then each item through `each`. */
  writeVector<T>(items: readonly T[] | null, each: (w: JuteWriter, item: T) => void): this {
    if (items === null || items === undefined) return this.writeInt(-1);
    if (!Array.isArray(items)) throw new ProtocolError('cannot encode a non-array as a jute vector');
    this.writeInt(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** Reserves a 4-byte length prefix at the current position; {@link finishFrame} patches it. */
  beginFrame(): this {
    this.frameStart = this.pos;
    return this.writeInt(0);
  }

  /** Patches the length prefix reserved by {@link beginFrame} and returns the bytes. */
  finishFrame(): Buffer {
    if (this.frameStart < 0) throw new ProtocolError('finishFrame() without beginFrame()');
    this.buf.writeInt32BE(this.pos - this.frameStart - 4, this.frameStart);
    this.frameStart = -1;
    return this.toBuffer();
  }

  /** The bytes written so far (a view onto the writer's memory; later writes never change it). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
