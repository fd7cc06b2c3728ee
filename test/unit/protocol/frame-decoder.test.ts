import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, ProtocolError } from '../../../src/protocol/index.js';

function frame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}

/** Splits `stream` at the given (sorted, deduplicated) cut points. */
function chunked(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, stream.length]) {
    chunks.push(stream.subarray(from, p)); // may be empty: push() must accept that too
    from = p;
  }
  return chunks;
}

describe('FrameDecoder', () => {
  it('any chunking of a stream of many frames gives back exactly the frames, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map(frame));
          const decoder = new FrameDecoder();
          const out: Buffer[] = [];
          for (const c of chunked(stream, cuts)) out.push(...decoder.push(c));
          expect(out.map((b) => b.toString('hex'))).toEqual(
            bodies.map((b) => Buffer.from(b).toString('hex')),
          );
          expect(decoder.buffered).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns many frames from one chunk, as zero-copy views of that chunk', () => {
    const bodies = Array.from({ length: 100 }, (_, i) => Buffer.from(`frame-${i}`));
    const stream = Buffer.concat(bodies.map(frame));
    const decoder = new FrameDecoder();
    const out = decoder.push(stream);
    expect(out).toEqual(bodies);
    expect(out.every((b) => b.buffer === stream.buffer)).toBe(true);
    expect(decoder.copiedBytes).toBe(0);
  });

  it('keeps a partial frame and a partial length prefix across pushes', () => {
    const decoder = new FrameDecoder();
    const stream = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('defg'))]);
    expect(decoder.push(stream.subarray(0, 2))).toEqual([]);
    expect(decoder.buffered).toBe(2);
    expect(decoder.push(stream.subarray(2, 9))).toEqual([Buffer.from('abc')]);
    expect(decoder.push(stream.subarray(9, 11))).toEqual([]);
    expect(decoder.push(stream.subarray(11))).toEqual([Buffer.from('defg')]);
    expect(decoder.push(frame(Buffer.alloc(0)))).toEqual([Buffer.alloc(0)]);
  });

  it('a 1 MiB frame fed one byte at a time is assembled with linear copying', () => {
    const size = 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 31) & 0xff;
    const stream = frame(body);
    const decoder = new FrameDecoder();
    const concat = vi.spyOn(Buffer, 'concat');
    const out: Buffer[] = [];
    try {
      for (let i = 0; i < stream.length; i++) {
        const got = decoder.push(stream.subarray(i, i + 1));
        if (got.length > 0) out.push(...got);
      }
      expect(concat).not.toHaveBeenCalled();
    } finally {
      concat.mockRestore();
    }
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(body)).toBe(true);
    // every byte copied exactly once: O(n), not O(n^2)
    expect(decoder.copiedBytes).toBe(size);
    expect(decoder.buffered).toBe(0);
  });

  it('rejects a negative length with ProtocolError and resets', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Buffer.from('ffffffff00', 'hex'))).toThrow(/negative frame length -1/);
    expect(decoder.buffered).toBe(0);
    expect(decoder.push(frame(Buffer.from('ok')))).toEqual([Buffer.from('ok')]);
  });

  it('rejects an oversize length before buffering the body', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 10 });
    expect(decoder.push(frame(Buffer.alloc(10)))).toHaveLength(1);
    expect(() => decoder.push(Buffer.from('0000000b', 'hex'))).toThrow(ProtocolError);
    expect(() => new FrameDecoder().push(Buffer.from('7fffffff', 'hex'))).toThrow(/exceeds maxFrameBytes/);
    const ok = new FrameDecoder();
    expect(ok.push(frame(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES)))).toHaveLength(1);
  });

  it('reset() drops a partial frame (new connection, fresh framing)', () => {
    const decoder = new FrameDecoder();
    decoder.push(frame(Buffer.from('stale bytes')).subarray(0, 8));
    expect(decoder.buffered).toBe(4);
    decoder.reset();
    expect(decoder.buffered).toBe(0);
    expect(decoder.push(frame(Buffer.from('fresh')))).toEqual([Buffer.from('fresh')]);
  });

  it('accepts plain Uint8Array chunks and rejects non-bytes with ProtocolError', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(new Uint8Array(frame(Buffer.from('u8'))))).toEqual([Buffer.from('u8')]);
    expect(() => decoder.push('nope' as unknown as Buffer)).toThrow(ProtocolError);
    expect(() => new FrameDecoder({ maxFrameBytes: -1 })).toThrow(RangeError);
  });
});
