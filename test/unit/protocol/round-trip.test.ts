import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReplyHeader,
  decodeRequest,
  decodeResponse,
  decodeWatcherEvent,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  encodeRequest,
  encodeWatcherEvent,
  JuteReader,
  JuteWriter,
  ProtocolError,
  readStat,
  STANDALONE_CHECK_REFUSED,
  writeStat,
} from '../../../src/protocol/index.js';
import { buffer, int32, long, path, request, requestOpFor, response, stat, text } from './arbitraries.js';

const RUNS = { numRuns: 500 };

/** Strips and checks the length prefix. */
function body(frame: Buffer): Buffer {
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return frame.subarray(4);
}

describe('decode(encode(x)) == x', () => {
  it('every request record, with any xid', () => {
    fc.assert(
      fc.property(int32, request, (xid, req) => {
        expect(decodeRequest(body(encodeRequest(xid, req)))).toEqual({ xid, req });
      }),
      RUNS,
    );
  });

  it('every response record, after any reply header', () => {
    fc.assert(
      fc.property(int32, long, response, (xid, zxid, res) => {
        const r = new JuteReader(body(encodeReply({ xid, zxid, err: 0 }, res)));
        expect(decodeReplyHeader(r)).toEqual({ xid, zxid, err: 0 });
        expect(decodeResponse(requestOpFor(res), r)).toEqual(res);
        expect(r.remaining).toBe(0);
      }),
      RUNS,
    );
  });

  it('header-only error replies', () => {
    fc.assert(
      fc.property(int32, long, int32, (xid, zxid, err) => {
        const frame = encodeReply({ xid, zxid, err });
        expect(frame).toHaveLength(4 + 16);
        expect(decodeReplyHeader(new JuteReader(body(frame)))).toEqual({ xid, zxid, err });
      }),
    );
  });

  it('Stat, with bigint zxids and millisecond times', () => {
    fc.assert(
      fc.property(stat, (s) => {
        const w = new JuteWriter();
        writeStat(w, s);
        expect(w.length).toBe(68);
        expect(readStat(new JuteReader(w.toBuffer()))).toEqual(s);
      }),
      RUNS,
    );
  });

  it('ConnectRequest and ConnectResponse', () => {
    const passwd = fc.uint8Array({ minLength: 0, maxLength: 16 }).map((u) => Buffer.from(u));
    fc.assert(
      fc.property(
        int32,
        long,
        int32,
        long,
        passwd,
        fc.boolean(),
        (pv, zxid, timeOut, sessionId, pw, readOnly) => {
          const req = { protocolVersion: pv, lastZxidSeen: zxid, timeOut, sessionId, passwd: pw, readOnly };
          expect(decodeConnectRequest(body(encodeConnectRequest(req)))).toEqual(req);
          const res = { protocolVersion: pv, timeOut, sessionId, passwd: pw, readOnly };
          expect(decodeConnectResponse(body(encodeConnectResponse(res)))).toEqual(res);
        },
      ),
    );
  });

  it('WatcherEvent, bare and as a framed notification', () => {
    fc.assert(
      fc.property(int32, int32, path, long, (type, state, p, zxid) => {
        const e = { type, state, path: p };
        expect(decodeWatcherEvent(new JuteReader(encodeWatcherEvent(e)))).toEqual(e);
        const r = new JuteReader(body(encodeNotification(e, zxid)));
        expect(decodeReplyHeader(r)).toEqual({ xid: -1, zxid, err: 0 });
        expect(decodeWatcherEvent(r)).toEqual(e);
      }),
    );
  });

  it('jute primitives: null vs empty buffers and strings, null vs empty vectors', () => {
    fc.assert(
      fc.property(
        fc.option(buffer, { nil: null }),
        fc.option(text, { nil: null }),
        fc.option(fc.array(int32, { maxLength: 5 }), { nil: null }),
        fc.boolean(),
        (b, s, v, flag) => {
          const w = new JuteWriter(16).writeBuffer(b).writeString(s).writeBool(flag);
          w.writeVector(v, (ww, i) => ww.writeInt(i));
          const r = new JuteReader(w.toBuffer());
          expect(r.readBuffer()).toEqual(b);
          expect(r.readString()).toBe(s);
          expect(r.readBool()).toBe(flag);
          expect(r.readVector((rr) => rr.readInt())).toEqual(v);
          expect(r.remaining).toBe(0);
        },
      ),
      RUNS,
    );
  });
});

describe('longs', () => {
  const roundTrip = (v: bigint): bigint =>
    new JuteReader(new JuteWriter().writeLong(v).toBuffer()).readLong();
  it('reads every long exactly, on both sides of the 2^53 fast path', () => {
    const edges = [
      0n,
      1n,
      -1n,
      2n ** 53n - 1n,
      2n ** 53n,
      -(2n ** 53n),
      -(2n ** 53n) - 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
    ];
    const words = [2 ** 21 - 1, 2 ** 21, -(2 ** 21), -(2 ** 21) - 1].flatMap((hi) =>
      [0n, 0xffffffffn].map((lo) => (BigInt(hi) << 32n) | lo),
    );
    for (const v of [...edges, ...words]) expect(roundTrip(v)).toBe(v);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => roundTrip(v) === v));
  });

  it('readLongAsNumber gives epoch-millisecond times exactly', () => {
    for (const ms of [0, 1_700_000_000_123, -1, 2 ** 53 - 1, -(2 ** 53) + 1]) {
      expect(new JuteReader(new JuteWriter().writeLong(BigInt(ms)).toBuffer()).readLongAsNumber()).toBe(ms);
    }
  });
});

describe('encoding guards', () => {
  it('refuses a standalone check (it corrupts ZooKeeper 3.8 txn logs) but accepts it inside a multi', () => {
    expect(() => encodeRequest(1, { op: 'check', path: '/a', version: 1 })).toThrow(STANDALONE_CHECK_REFUSED);
    expect(() => encodeRequest(1, { op: 'check', path: '/a', version: 1 })).toThrow(ProtocolError);
    const multi = encodeRequest(1, { op: 'multi', ops: [{ op: 'check', path: '/a', version: 1 }] });
    expect(decodeRequest(body(multi)).req).toEqual({
      op: 'multi',
      ops: [{ op: 'check', path: '/a', version: 1 }],
    });
  });

  it('rejects values that do not fit their jute type with ProtocolError', () => {
    const w = new JuteWriter();
    expect(() => w.writeInt(2 ** 31)).toThrow(ProtocolError);
    expect(() => w.writeInt(1.5)).toThrow(ProtocolError);
    expect(() => w.writeInt(Number.NaN)).toThrow(ProtocolError);
    expect(() => w.writeLong(2n ** 63n)).toThrow(ProtocolError);
    expect(() => w.writeLong(5 as unknown as bigint)).toThrow(ProtocolError);
    expect(() => w.writeString(5 as unknown as string)).toThrow(ProtocolError);
    expect(() => w.writeBuffer('x' as unknown as Buffer)).toThrow(ProtocolError);
    expect(() => encodeRequest(1, { op: 'nope' } as unknown as Parameters<typeof encodeRequest>[1])).toThrow(
      ProtocolError,
    );
    expect(() =>
      encodeRequest(1, { op: 'multi', ops: [{ op: 'getData', path: '/a' }] } as unknown as Parameters<
        typeof encodeRequest
      >[1]),
    ).toThrow(/not a write op/);
    expect(() =>
      encodeRequest(1, {
        op: 'multiRead',
        ops: [{ op: 'delete', path: '/a', version: 1 }],
      } as unknown as Parameters<typeof encodeRequest>[1]),
    ).toThrow(/not getData or getChildren/);
    expect(() =>
      encodeReply({ xid: 1, zxid: 0n, err: 0 }, { op: 'getAllChildrenNumber', totalNumber: 2 ** 40 }),
    ).toThrow(ProtocolError);
  });

  it('maps version 0 to 0 and -1 to -1 (never "any version" by accident)', () => {
    const req = decodeRequest(
      body(encodeRequest(1, { op: 'setData', path: '/a', data: Buffer.alloc(0), version: 0 })),
    );
    expect(req.req).toMatchObject({ version: 0 });
    const multi = decodeRequest(
      body(encodeRequest(2, { op: 'multi', ops: [{ op: 'delete', path: '/a', version: 0 }] })),
    );
    expect(multi.req).toEqual({ op: 'multi', ops: [{ op: 'delete', path: '/a', version: 0 }] });
  });

  it('the writer grows from a tiny buffer without losing bytes', () => {
    const w = new JuteWriter(1);
    const big = Buffer.alloc(100_000, 7);
    w.writeInt(1).writeBuffer(big).writeString('é'.repeat(1000));
    const r = new JuteReader(w.toBuffer());
    expect(r.readInt()).toBe(1);
    expect(r.readBuffer()).toEqual(big);
    expect(r.readString()).toBe('é'.repeat(1000));
  });
});
