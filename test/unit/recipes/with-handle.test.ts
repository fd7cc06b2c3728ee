import { describe, expect, it } from 'vitest';
import { type Releasable, withHandle } from '../../../recipes/locks/with-handle.js';

function handle(releaseError?: Error): Releasable & { released: number } {
  const h = {
    lost: new AbortController().signal,
    released: 0,
    async release() {
      h.released++;
      if (releaseError) throw releaseError;
    },
  };
  return h;
}

describe('withHandle', () => {
  it('returns fn’s value and releases once', async () => {
    const h = handle();
    expect(await withHandle(h, (lost) => (lost === h.lost ? 'same signal' : 'other'))).toBe('same signal');
    expect(h.released).toBe(1);
  });

  it('rethrows fn’s own error and still releases', async () => {
    const h = handle();
    const boom = new Error('boom');
    await expect(withHandle(h, () => Promise.reject(boom))).rejects.toBe(boom);
    expect(h.released).toBe(1);
  });

  it('never hides fn’s error behind a release failure (attached as releaseError)', async () => {
    const releaseFailure = new Error('release failed');
    const h = handle(releaseFailure);
    const boom = new Error('boom');
    const err = await withHandle(h, () => {
      throw boom;
    }).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect((err as { releaseError?: unknown }).releaseError).toBe(releaseFailure);
    expect(Object.keys(err as object)).not.toContain('releaseError');
  });

  it('throws the release error when only the release fails', async () => {
    const releaseFailure = new Error('release failed');
    await expect(withHandle(handle(releaseFailure), () => 1)).rejects.toBe(releaseFailure);
  });
});
