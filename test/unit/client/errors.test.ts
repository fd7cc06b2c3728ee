import { describe, expect, it } from 'vitest';
import { ERROR_CODES as ALL_CODES } from '../../../src/protocol/index.js';
import {
  AuthFailedError,
  ClientClosedError,
  ConnectionLossError,
  ERROR_CLASSES,
  errorFromCode,
  InvalidArgumentError,
  isRetryable,
  NoNodeError,
  QuotaExceededError,
  RequestTimeoutError,
  SessionExpiredError,
  ThrottledOpError,
  ZooKeeperError,
} from '../../../src/client/errors.js';

const ERROR_CODES = ALL_CODES.filter((c) => c.code !== 0).map((c) => ({ ...c, name: c.name.toUpperCase() }));

describe('errors', () => {
  it('has exactly one class per code in the table', () => {
    const classCodes = ERROR_CLASSES.map((c) => c.code).sort((a, b) => a - b);
    const tableCodes = ERROR_CODES.map((c) => c.code).sort((a, b) => a - b);
    expect(classCodes).toEqual(tableCodes);
    expect(new Set(classCodes).size).toBe(classCodes.length);
  });

  it('builds typed errors with code, name, path and retryability', () => {
    for (const info of ERROR_CODES) {
      const e = errorFromCode(info.code, '/p');
      expect(e).toBeInstanceOf(ZooKeeperError);
      expect(e).toBeInstanceOf(Error);
      expect(e.code).toBe(info.code);
      expect(e.codeName).toBe(info.name);
      expect(e.retryable).toBe(info.retryable);
      expect(e.path).toBe('/p');
      expect(e.name).toMatch(/Error$/);
      expect(e.name).not.toBe('ZooKeeperError');
      expect(e.message).toContain('/p');
    }
    const nn = errorFromCode(-101, '/a');
    expect(nn).toBeInstanceOf(NoNodeError);
    expect(nn.name).toBe('NoNodeError');
    expect(nn.codeName).toBe('NONODE');
    expect(errorFromCode(-124).codeName).toBe('SESSIONCLOSEDREQUIRESASLAUTH');
    expect(errorFromCode(-125)).toBeInstanceOf(QuotaExceededError);
    expect(errorFromCode(-127)).toBeInstanceOf(ThrottledOpError);
    expect(errorFromCode(-115)).toBeInstanceOf(AuthFailedError);
    expect(errorFromCode(-112).path).toBeUndefined();
  });

  it('maps unknown codes to the base class without throwing', () => {
    const e = errorFromCode(-9999, '/x');
    expect(e.constructor).toBe(ZooKeeperError);
    expect(e.code).toBe(-9999);
    expect(e.codeName).toBe('UNKNOWN');
    expect(e.retryable).toBe(false);
    expect(errorFromCode(0).codeName).toBe('UNKNOWN');
  });

  it('keeps the cause', () => {
    const cause = new Error('socket');
    const e = new ConnectionLossError({ cause, path: '/a' });
    expect(e.cause).toBe(cause);
    expect(errorFromCode(-4, undefined, { cause }).cause).toBe(cause);
  });

  it('classifies retryable errors', () => {
    expect(isRetryable(new ConnectionLossError())).toBe(true);
    expect(isRetryable(new RequestTimeoutError())).toBe(true);
    expect(isRetryable(new SessionExpiredError())).toBe(false);
    expect(isRetryable(new NoNodeError())).toBe(false);
    expect(isRetryable(new ClientClosedError())).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });

  it('has client-side errors with names', () => {
    expect(new ClientClosedError().name).toBe('ClientClosedError');
    const ia = new InvalidArgumentError('bad');
    expect(ia).toBeInstanceOf(TypeError);
    expect(ia.name).toBe('InvalidArgumentError');
    expect(new RequestTimeoutError().code).toBe(-122);
  });
});
