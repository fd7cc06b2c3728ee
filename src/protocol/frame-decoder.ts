import { ProtocolError } from './protocol-error.js';

/**
 * Default largest accepted frame body: 4 MiB plus 64 KiB of slack for headers and record
 * overhead. The server's `jute.maxbuffer` defaults to 1 MiB per znode, but replies such as
 * getChildren of a node with many children or a multiRead can be larger.
 *
 * @example
 * ```ts
 * new FrameDecoder({ maxFrameBytes: DEFAULT_MAX_FRAME_BYTES * 4 });
 * ```
 */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024 + 64 * 1024;

/**
 * Options of {@link FrameDecoder}.
 *
 * @example
 * ```ts
 * const opts: FrameDecoderOptions = { maxFrameBytes: 16 * 1024 * 1024 };
 * ```
 */
export interface FrameDecoderOptions {
  /** Largest accepted frame body in bytes; a larger length prefix throws ProtocolError. */
  maxFrameBytes?: number;
}

/**
 * Splits a byte stream into length-prefixed frames (int32 big-endian length, then the body).
 *
 * It keeps a list of received chunks and a cursor into the first one: nothing is copied while a
 * frame is incomplete, a frame that lies inside one chunk is returned as a zero-copy view of it,
 * and a frame that spans chunks is copied exactly once into a buffer of its own size. The work
 * is linear in the bytes pushed, with no recursion, however the stream is chunked.
 *
 * A negative length or one above `maxFrameBytes` throws {@link ProtocolError}; the decoder then
 * resets itself and the connection must be dropped (its framing is lost). Call
 * {@link FrameDecoder.reset} when a new connection starts.
 *
 * @example
 * ```ts
 * const frames = new FrameDecoder();
 * socket.on('data', (chunk: Buffer) => {
 *   for (const body of frames.push(chunk)) handleFrame(body);
 * });
 * ```
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private chunks: (Buffer | undefined)[] = [];
  private head = 0;
  private headOffset = 0;
  private total = 0;
  private frameLength = -1;
  private copied = 0;

  constructor(opts: FrameDecoderOptions = {}) {
    const max = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`maxFrameBytes must be a non-negative integer, got ${String(max)}`);
    }
    this.maxFrameBytes = max;
  }

  /** Bytes held for an incomplete frame (not counting a length prefix already consumed). */
  get buffered(): number {
    return this.total;
  }

  /** Total bytes copied so far to assemble frames that spanned several chunks (for tests and stats). */
  get copiedBytes(): number {
    return this.copied;
  }

  /**
   * Appends a chunk and returns every frame body (without its prefix) completed by it, in order.
   * Throws {@link ProtocolError} on a negative or oversize length prefix.
   */
  push(chunk: Buffer | Uint8Array): Buffer[] {
    if (!(chunk instanceof Uint8Array)) throw new ProtocolError('FrameDecoder.push needs a Buffer');
    const frames: Buffer[] = [];
    if (chunk.length === 0) return frames;
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
    );
    this.total += chunk.length;
    for (;;) {
      if (this.frameLength < 0) {
        if (this.total < 4) break;
        const n = this.readPrefix();
        if (n < 0 || n > this.maxFrameBytes) {
          this.reset();
          throw new ProtocolError(
            n < 0
              ? `negative frame length ${n}`
              : `frame length ${n} exceeds maxFrameBytes ${this.maxFrameBytes}`,
          );
        }
        this.frameLength = n;
      }
      if (this.total < this.frameLength) break;
      frames.push(this.take(this.frameLength));
      this.frameLength = -1;
    }
    this.compact();
    return frames;
  }

  /** Drops every buffered byte and any partial frame (call it for each new connection). */
  reset(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.total = 0;
    this.frameLength = -1;
  }

  private readPrefix(): number {
    const first = this.chunks[this.head]!;
    if (first.length - this.headOffset >= 4) {
      const n = first.readInt32BE(this.headOffset);
      this.advance(4);
      return n;
    }
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.chunks[this.head]!;
      n = (n << 8) | c[this.headOffset]!;
      this.advance(1);
    }
    return n | 0;
  }

  /** Removes `n` bytes (n <= total) from the front; one copy when they span chunks. */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head]!;
    if (first.length - this.headOffset >= n) {
      const view = first.subarray(this.headOffset, this.headOffset + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const count = Math.min(c.length - this.headOffset, n - filled);
      c.copy(out, filled, this.headOffset, this.headOffset + count);
      filled += count;
      this.advance(count);
    }
    this.copied += n;
    return out;
  }

  /** Moves the cursor forward by `n` bytes that lie within the head chunk. */
  private advance(n: number): void {
    this.headOffset += n;
    this.total -= n;
    const c = this.chunks[this.head]!;
    if (this.headOffset === c.length) {
      this.chunks[this.head] = undefined;
      this.head++;
      this.headOffset = 0;
    }
  }

  private compact(): void {
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
