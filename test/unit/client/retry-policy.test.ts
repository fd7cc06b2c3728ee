import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/client/errors.js';
import { MAX_TIMEOUT_MS } from '../../../src/client/arguments.js';
import { ReconnectBackoff } from '../../../src/client/reconnect-backoff.js';
import { exponentialBackoff, retryForever } from '../../../src/client/retry-policy.js';

describe('retry policies', () => {
  it('backs off exponentially up to the cap and stops after maxAttempts', () => {
    const p = exponentialBackoff({ baseMs: 10, maxMs: 100, maxAttempts: 6, jitter: false });
    expect([1, 2, 3, 4, 5, 6].map((n) => p.delayMs(n, 0))).toEqual([10, 20, 40, 80, 100, 100]);
    expect(p.delayMs(7, 0)).toBeNull();
  });

  it('jitters within [d/2, d]', () => {
    const p = exponentialBackoff({ baseMs: 100, maxMs: 1000 });
    for (let i = 0; i < 200; i++) {
      const d = p.delayMs(3, 0)!;
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
    expect(p.delayMs(1e6, 0)).toBeLessThanOrEqual(1000);
  });

  it('retries forever with a constant delay', () => {
    expect(retryForever({ delayMs: 7 }).delayMs(1e9, 1e9)).toBe(7);
  });

  it('rejects bad options', () => {
    expect(() => exponentialBackoff({ baseMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => exponentialBackoff({ baseMs: 10, maxMs: 5 })).toThrow(InvalidArgumentError);
    expect(() => exponentialBackoff({ maxAttempts: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => retryForever({ delayMs: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
  });
});

describe('ReconnectBackoff', () => {
  it('tries every host at once, then waits what the policy says, capped at the longest Node timer', () => {
    const delays = [250, Number.POSITIVE_INFINITY, 1e12, Number.NaN, -5, null];
    const backoff = new ReconnectBackoff({ delayMs: (attempt) => delays[attempt - 1] ?? null }, 2);
    const seen: (number | null)[] = [];
    for (let i = 0; i < 12; i++) seen.push(backoff.failed(i));
    // two hosts: the first failure of each round is retried at once on the other host
    expect(seen).toEqual([0, 250, 0, MAX_TIMEOUT_MS, 0, MAX_TIMEOUT_MS, 0, MAX_TIMEOUT_MS, 0, 0, 0, null]);
  });
});
