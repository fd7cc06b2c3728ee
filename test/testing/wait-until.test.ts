import { afterEach, describe, expect, it } from 'vitest';
import { scaledMs, WaitTimeoutError, waitUntil } from '../../src/testing/index.js';

describe('waitUntil', () => {
  it('resolves with the first truthy value of the probe', async () => {
    let calls = 0;
    const value = await waitUntil(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a throwing probe as not yet, and reports its last error as the cause on timeout', async () => {
    const failure = new Error('still missing');
    const err = await waitUntil(
      () => {
        throw failure;
      },
      { timeoutMs: 50, intervalMs: 5, message: '/ready to exist' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toContain('/ready to exist');
    expect((err as Error).cause).toBe(failure);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = waitUntil(() => false, { signal: controller.signal, intervalMs: 5 });
    controller.abort(new Error('test over'));
    await expect(waiting).rejects.toThrow('test over');
  });
});

describe('scaledMs', () => {
  const saved = process.env.ZK_TIMING_MULTIPLE;
  afterEach(() => {
    if (saved === undefined) delete process.env.ZK_TIMING_MULTIPLE;
    else process.env.ZK_TIMING_MULTIPLE = saved;
  });

  it('multiplies by ZK_TIMING_MULTIPLE and rejects nonsense', () => {
    delete process.env.ZK_TIMING_MULTIPLE;
    expect(scaledMs(1_000)).toBe(1_000);
    process.env.ZK_TIMING_MULTIPLE = '2.5';
    expect(scaledMs(1_000)).toBe(2_500);
    process.env.ZK_TIMING_MULTIPLE = 'fast';
    expect(() => scaledMs(1_000)).toThrow(RangeError);
  });
});
