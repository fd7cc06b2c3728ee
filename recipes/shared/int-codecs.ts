import { DecodeError } from '../cache/decode-error.js';

/**
 * Curator `SharedCount` encoding: a 4-byte big-endian signed int.
 *
 * @example
 * ```ts
 * encodeInt32(7); // <Buffer 00 00 00 07>
 * ```
 */
export function encodeInt32(value: number): Buffer {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new RangeError(`a shared count must be a 32-bit integer, got ${value}`);
  }
  const b = Buffer.alloc(4);
  b.writeInt32BE(value, 0);
  return b;
}

/**
 * Decodes {@link encodeInt32}'s bytes; anything but 4 bytes is a `DecodeError` naming `path`.
 *
 * @example
 * ```ts
 * decodeInt32(Buffer.from([0, 0, 0, 7]), '/count'); // 7
 * ```
 */
export function decodeInt32(data: Buffer, path: string): number {
  if (data.length !== 4) throw new DecodeError(path, new Error(`expected 4 bytes, got ${data.length}`));
  return data.readInt32BE(0);
}

/**
 * Curator `DistributedAtomicLong` encoding: an 8-byte big-endian signed long. Values must be
 * safe integers (|n| ≤ 2^53 − 1) so that they fit a JS number exactly.
 *
 * @example
 * ```ts
 * encodeInt64(42); // <Buffer 00 00 00 00 00 00 00 2a>
 * ```
 */
export function encodeInt64(value: number): Buffer {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`an atomic counter value must be a safe integer, got ${value}`);
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(value), 0);
  return b;
}

/**
 * Decodes {@link encodeInt64}'s bytes (an empty node counts as 0, like Curator's missing node);
 * other lengths, or values beyond a safe integer, are a `DecodeError` naming `path`.
 *
 * @example
 * ```ts
 * decodeInt64(encodeInt64(42), '/n'); // 42
 * ```
 */
export function decodeInt64(data: Buffer, path: string): number {
  if (data.length === 0) return 0;
  if (data.length !== 8) throw new DecodeError(path, new Error(`expected 8 bytes, got ${data.length}`));
  const big = data.readBigInt64BE(0);
  const n = Number(big);
  if (!Number.isSafeInteger(n))
    throw new DecodeError(path, new Error(`value ${big} is beyond a safe integer`));
  return n;
}
