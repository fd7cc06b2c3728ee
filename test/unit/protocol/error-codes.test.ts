import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ErrorCode, errorCodeInfo } from '../../../src/protocol/index.js';

describe('ERROR_CODES', () => {
  it('has every KeeperException code of 3.5-3.9 exactly once', () => {
    const codes = ERROR_CODES.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.sort((a, b) => b - a)).toEqual([
      0, -1, -2, -3, -4, -5, -6, -7, -8, -12, -13, -14, -100, -101, -102, -103, -108, -110, -111, -112, -113,
      -114, -115, -118, -119, -120, -121, -122, -123, -124, -125, -127,
    ]);
    expect(Object.values(ErrorCode).sort((a, b) => b - a)).toEqual(codes);
  });

  it('names are PascalCase (error class = name + "Error") and messages are non-empty', () => {
    expect(errorCodeInfo(ErrorCode.noNode)?.name).toBe('NoNode');
    expect(errorCodeInfo(-110)?.name).toBe('NodeExists');
    expect(errorCodeInfo(-124)?.name).toBe('SessionClosedRequireSaslAuth');
    for (const e of ERROR_CODES) {
      expect(e.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(e.message.length).toBeGreaterThan(1);
    }
  });

  it('marks exactly the transient codes retryable', () => {
    expect(
      ERROR_CODES.filter((e) => e.retryable)
        .map((e) => e.name)
        .sort(),
    ).toEqual([
      'ConnectionLoss',
      'OperationTimeout',
      'ReconfigInProgress',
      'RequestTimeout',
      'SessionMoved',
      'ThrottledOp',
    ]);
    expect(errorCodeInfo(ErrorCode.sessionExpired)?.retryable).toBe(false);
  });

  it('returns undefined for unknown codes instead of throwing', () => {
    expect(errorCodeInfo(-9999)).toBeUndefined();
    expect(errorCodeInfo(Number.NaN)).toBeUndefined();
  });
});
