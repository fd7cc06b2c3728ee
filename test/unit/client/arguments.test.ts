import { describe, expect, it } from 'vitest';
import {
  checkRequestSize,
  checkTimeout,
  MAX_TTL_MS,
  modeInfo,
  toData,
  wireVersion,
} from '../../../src/client/arguments.js';
import { encodeRequest, type Request } from '../../../src/protocol/index.js';
import { InvalidArgumentError } from '../../../src/client/errors.js';

describe('wireVersion', () => {
  it('keeps 0 as a real version and maps absent to -1', () => {
    expect(wireVersion(undefined)).toBe(-1);
    expect(wireVersion(0)).toBe(0);
    expect(wireVersion(-1)).toBe(-1);
    expect(wireVersion(7)).toBe(7);
  });
  it.each([-2, 1.5, Number.NaN, 2 ** 31, '1'])('rejects %j', (v) => {
    expect(() => wireVersion(v as number)).toThrow(InvalidArgumentError);
  });
});

describe('toData', () => {
  it('encodes strings as UTF-8 and keeps byte arrays', () => {
    expect(toData('héllo', 100)).toEqual(Buffer.from([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]));
    expect(toData(undefined, 100).length).toBe(0);
    const u = new Uint8Array([1, 2, 3]).subarray(1);
    expect(toData(u, 100)).toEqual(Buffer.from([2, 3]));
    const b = Buffer.from('x');
    expect(toData(b, 100)).toBe(b);
  });
  it('rejects oversize data and other types', () => {
    expect(toData(Buffer.alloc(10), 10).length).toBe(10);
    expect(() => toData(Buffer.alloc(11), 10)).toThrow(/11 bytes, over the limit of 10/);
    expect(() => toData(42 as unknown as string, 10)).toThrow(InvalidArgumentError);
  });
});

describe('modeInfo', () => {
  it('maps every mode to its flags', () => {
    expect(modeInfo(undefined, undefined)).toEqual({ flags: 0, sequential: false, ttl: false });
    expect(modeInfo('ephemeral', undefined).flags).toBe(1);
    expect(modeInfo('persistent-sequential', undefined)).toEqual({ flags: 2, sequential: true, ttl: false });
    expect(modeInfo('ephemeral-sequential', undefined).flags).toBe(3);
    expect(modeInfo('container', undefined).flags).toBe(4);
    expect(modeInfo('persistent-ttl', 1)).toEqual({ flags: 5, sequential: false, ttl: true });
    expect(modeInfo('persistent-sequential-ttl', MAX_TTL_MS)).toEqual({
      flags: 6,
      sequential: true,
      ttl: true,
    });
  });
  it('requires a valid ttl for TTL modes and forbids it otherwise', () => {
    expect(() => modeInfo('persistent-ttl', undefined)).toThrow(/requires ttlMs/);
    expect(() => modeInfo('persistent-ttl', 0)).toThrow(InvalidArgumentError);
    expect(() => modeInfo('persistent-ttl', -5)).toThrow(InvalidArgumentError);
    expect(() => modeInfo('persistent-ttl', 1.5)).toThrow(InvalidArgumentError);
    expect(() => modeInfo('persistent-ttl', MAX_TTL_MS + 1)).toThrow(InvalidArgumentError);
    expect(() => modeInfo('persistent', 1000)).toThrow(/only allowed with a TTL mode/);
    expect(() => modeInfo('ephemeral', 1000)).toThrow(InvalidArgumentError);
  });
  it('rejects unknown modes', () => {
    expect(() => modeInfo('bogus' as never, undefined)).toThrow(/unknown create mode/);
    expect(() => modeInfo('toString' as never, undefined)).toThrow(/unknown create mode/);
  });
});

describe('checkTimeout', () => {
  it('accepts absent and non-negative numbers only', () => {
    checkTimeout(undefined);
    checkTimeout(0);
    expect(() => checkTimeout(-1)).toThrow(InvalidArgumentError);
    expect(() => checkTimeout(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => checkTimeout(Number.NaN)).toThrow(InvalidArgumentError);
    // Node fires a longer timer at once: refused rather than timing out every call at once
    checkTimeout(2_147_483_647);
    expect(() => checkTimeout(2_147_483_648)).toThrow(/from 0 to 2147483647/);
  });
});

describe('checkRequestSize', () => {
  it('measures exactly what encodeRequest writes', () => {
    const acl = [{ perms: 31, id: { scheme: 'digest', id: 'u:abc' } }];
    const reqs: Request[] = [
      { op: 'create2', path: '/a/é', data: Buffer.alloc(33), acl, flags: 0 },
      { op: 'createTTL', path: '/t', data: Buffer.alloc(3), acl, flags: 5, ttl: 10n },
      { op: 'setData', path: '/s', data: Buffer.alloc(7), version: 3 },
      { op: 'setACL', path: '/s', acl, version: -1 },
      {
        op: 'multi',
        ops: [
          { op: 'create2', path: '/m', data: Buffer.alloc(5), acl, flags: 0 },
          { op: 'check', path: '/m', version: 0 },
          { op: 'delete', path: '/x', version: -1 },
        ],
      },
    ];
    for (const req of reqs) {
      const size = encodeRequest(1, req).length - 4;
      expect(() => checkRequestSize(req, size)).not.toThrow();
      expect(() => checkRequestSize(req, size - 1)).toThrow(InvalidArgumentError);
    }
  });
});
