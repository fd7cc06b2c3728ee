import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeConnectResponse,
  decodeReplyHeader,
  decodeRequest,
  decodeResponse,
  decodeWatcherEvent,
  encodeReply,
  encodeRequest,
  JuteReader,
  ProtocolError,
  type Request,
} from '../../../src/protocol/index.js';
import { request, requestOpFor, response } from './arbitraries.js';
import { bodyOf, loadFixture } from './fixtures.js';

const RUNS = { numRuns: 400 };

/** Runs `fn`; it may succeed, but if it throws, it must be a ProtocolError. */
function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
}

function decodeReply(op: Request['op'], body: Buffer): unknown {
  const r = new JuteReader(body);
  const h = decodeReplyHeader(r);
  return h.err === 0 ? decodeResponse(op, r) : h;
}

const session = loadFixture('session');
const captured = session.steps.map((s) => ({
  op: (s.request as Request).op,
  request: bodyOf(s.requestHex),
  reply: bodyOf(s.replyHex),
}));

describe('truncated input always gives ProtocolError', () => {
  it('any strict prefix of an encoded reply body fails (records have no optional fields)', () => {
    fc.assert(
      fc.property(response, fc.nat(), (res, cut) => {
        const body = bodyOf(encodeReply({ xid: 1, zxid: 1n, err: 0 }, res).toString('hex'));
        const at = cut % body.length; // strict prefix: 0 .. length-1
        if (res.op === 'empty' && at >= 16) return; // header complete, nothing else to read
        expect(() => decodeReply(requestOpFor(res), body.subarray(0, at))).toThrow(ProtocolError);
      }),
      RUNS,
    );
  });

  it('any strict prefix of an encoded request body fails', () => {
    fc.assert(
      fc.property(request, fc.nat(), (req, cut) => {
        const body = encodeRequest(1, req).subarray(4);
        const at = cut % body.length;
        if (at >= 8 && (req.op === 'ping' || req.op === 'whoAmI' || req.op === 'closeSession')) return;
        expect(() => decodeRequest(body.subarray(0, at))).toThrow(ProtocolError);
      }),
      RUNS,
    );
  });

  it('every strict prefix of every captured server reply fails', () => {
    for (const { op, reply } of captured) {
      const full = decodeReply(op, reply) as { op?: string; err?: number };
      // header-only replies (errors, and 'empty' ones) are complete after 16 bytes;
      // addWatch replies end with an ErrorResponse{0} the decoder does not need
      const needed = full.op === 'empty' || full.err !== undefined ? 16 : reply.length;
      for (let at = 0; at < needed; at++) {
        expect(() => decodeReply(op, reply.subarray(0, at)), `${op} cut at ${at}`).toThrow(ProtocolError);
      }
    }
  });

  it('a truncated ConnectResponse fails, except for the optional readOnly byte', () => {
    const body = bodyOf(session.connect.responseHex);
    for (let at = 0; at < body.length - 1; at++) {
      expect(() => decodeConnectResponse(body.subarray(0, at))).toThrow(ProtocolError);
    }
    expect(decodeConnectResponse(body.subarray(0, body.length - 1)).readOnly).toBe(false);
  });
});

describe('corrupted input never throws anything but ProtocolError and never hangs', () => {
  const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
    minLength: 1,
    maxLength: 6,
  });

  function corrupt(body: Buffer, edits: [number, number][]): Buffer {
    const copy = Buffer.from(body);
    for (const [at, byte] of edits) copy[at % copy.length] = byte;
    return copy;
  }

  it('random byte flips of captured replies and requests', () => {
    fc.assert(
      fc.property(fc.constantFrom(...captured), flips, (c, edits) => {
        onlyProtocolErrors(() => decodeReply(c.op, corrupt(c.reply, edits)));
        onlyProtocolErrors(() => decodeRequest(corrupt(c.request, edits)));
      }),
      { numRuns: 2000 },
    );
  });

  it('random byte flips of generated replies, under every op', () => {
    const ops: Request['op'][] = [
      'getData',
      'multi',
      'multiRead',
      'getACL',
      'whoAmI',
      'getChildren2',
      'create2',
    ];
    fc.assert(
      fc.property(response, flips, fc.constantFrom(...ops), (res, edits, op) => {
        const body = encodeReply({ xid: 1, zxid: 1n, err: 0 }, res).subarray(4);
        onlyProtocolErrors(() => decodeReply(op, corrupt(body, edits)));
        onlyProtocolErrors(() => decodeReply(requestOpFor(res), corrupt(body, edits)));
      }),
      RUNS,
    );
  });

  it('random bytes as any kind of frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (u) => {
        const b = Buffer.from(u);
        onlyProtocolErrors(() => decodeRequest(b));
        onlyProtocolErrors(() => decodeReply('multi', b));
        onlyProtocolErrors(() => decodeConnectResponse(b));
        onlyProtocolErrors(() => decodeWatcherEvent(new JuteReader(b)));
      }),
      RUNS,
    );
  });
});

describe('JuteReader bounds', () => {
  const hex = (s: string) => new JuteReader(Buffer.from(s.replace(/ /g, ''), 'hex'));

  it('rejects negative lengths other than -1', () => {
    expect(() => hex('fffffffe').readBuffer()).toThrow(/negative buffer length -2/);
    expect(() => hex('80000000').readString()).toThrow(ProtocolError);
    expect(() => hex('fffffff0').readVector((r) => r.readInt())).toThrow(ProtocolError);
    expect(hex('ffffffff').readBuffer()).toBeNull();
    expect(hex('ffffffff').readString()).toBeNull();
    expect(hex('ffffffff').readVector((r) => r.readInt())).toBeNull();
  });

  it('rejects lengths beyond the buffer without allocating them', () => {
    expect(() => hex('7fffffff 00').readBuffer()).toThrow(/exceeds the 1 bytes left/);
    expect(() => hex('00000005 6162').readString()).toThrow(ProtocolError);
    // a vector claiming 2^31-1 elements is refused up front, not looped over
    expect(() => hex('7fffffff 00000001').readVector((r) => r.readInt())).toThrow(ProtocolError);
  });

  it('rejects reads past the end', () => {
    expect(() => hex('000000').readInt()).toThrow(/need 4 bytes for int/);
    expect(() => hex('00000000000000').readLong()).toThrow(ProtocolError);
    expect(() => hex('').readBool()).toThrow(ProtocolError);
    expect(() => new JuteReader(Buffer.alloc(2), 3)).toThrow(ProtocolError);
  });

  it('decodes UTF-8, and invalid UTF-8 as U+FFFD instead of throwing', () => {
    expect(hex('00000004 2fc3a92f').readString()).toBe('/é/');
    expect(hex('00000002 2fff').readString()).toBe('/\ufffd');
  });

  it('copies buffers out of the frame', () => {
    const frame = Buffer.from('0000000261620000', 'hex');
    const b = new JuteReader(frame).readBuffer()!;
    frame[4] = 0x7a;
    expect(b.toString()).toBe('ab');
  });

  it('rejects unknown opcodes and multi result types', () => {
    expect(() => decodeRequest(Buffer.from('00000001 0000002a'.replace(/ /g, ''), 'hex'))).toThrow(
      /unknown request opcode 42/,
    );
    const bad = Buffer.from('00000063 00 ffffffff'.replace(/ /g, ''), 'hex'); // result type 99, not done
    expect(() => decodeResponse('multi', new JuteReader(bad))).toThrow(/unknown result type 99/);
  });
});
