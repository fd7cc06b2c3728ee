import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeOrThrow, json, jsonAs, raw, utf8 } from '../../../recipes/cache/index.js';
import { decodeInt32, decodeInt64, encodeInt32, encodeInt64 } from '../../../recipes/shared/index.js';

describe('counter encodings (pure)', () => {
  it('int32 round-trips every 32-bit integer, big-endian (Curator SharedCount)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        const b = encodeInt32(n);
        expect(b.length).toBe(4);
        expect(b.readInt32BE(0)).toBe(n);
        expect(decodeInt32(b, '/c')).toBe(n);
      }),
    );
    expect(() => encodeInt32(2 ** 31)).toThrow(RangeError);
    expect(() => encodeInt32(1.5)).toThrow(RangeError);
    expect(() => decodeInt32(Buffer.alloc(3), '/c')).toThrow(DecodeError);
  });

  it('int64 round-trips every safe integer, big-endian (Curator DistributedAtomicLong)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const b = encodeInt64(n);
        expect(b.length).toBe(8);
        expect(b.readBigInt64BE(0)).toBe(BigInt(n));
        expect(decodeInt64(b, '/c')).toBe(n);
      }),
    );
    expect(decodeInt64(Buffer.alloc(0), '/c')).toBe(0);
    const huge = Buffer.alloc(8);
    huge.writeBigInt64BE(2n ** 60n);
    expect(() => decodeInt64(huge, '/c')).toThrow(DecodeError);
    expect(() => decodeInt64(Buffer.alloc(5), '/c')).toThrow(/expected 8 bytes/);
    expect(() => encodeInt64(2 ** 53)).toThrow(RangeError);
  });
});

describe('decoders (pure)', () => {
  it('raw, utf8 and json decode; bad input becomes a DecodeError naming the path', () => {
    expect(raw(Buffer.from('x'), '/p')).toEqual(Buffer.from('x'));
    expect(utf8(Buffer.from('héllo'), '/p')).toBe('héllo');
    expect(json(Buffer.from('{"a":[1]}'), '/p')).toEqual({ a: [1] });
    expect(json(Buffer.alloc(0), '/p')).toBeNull();
    const bad = decodeOrThrow.bind(null, utf8, '/bad');
    expect(() => bad(Buffer.from([0xff, 0xfe]))).toThrow(DecodeError);
    try {
      decodeOrThrow(json, '/cfg', Buffer.from('{'));
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).path).toBe('/cfg');
      expect((err as DecodeError).cause).toBeInstanceOf(SyntaxError);
    }
    const checked = jsonAs<{ n: number }>((v) => {
      if (typeof (v as { n?: unknown }).n !== 'number') throw new Error('n must be a number');
      return v as { n: number };
    });
    expect(decodeOrThrow(checked, '/p', Buffer.from('{"n":1}'))).toEqual({ n: 1 });
    expect(() => decodeOrThrow(checked, '/p', Buffer.from('{"n":"1"}'))).toThrow(/n must be a number/);
  });

  it('any byte string either decodes as json or fails with a DecodeError (never another error)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeOrThrow(json, '/fuzz', Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});
