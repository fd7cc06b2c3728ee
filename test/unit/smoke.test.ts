import { describe, expect, it } from 'vitest';

describe('toolchain', () => {
  it('supports await using', async () => {
    const log: string[] = [];
    {
      await using _r = {
        async [Symbol.asyncDispose]() {
          log.push('disposed');
        },
      };
      log.push('body');
    }
    expect(log).toEqual(['body', 'disposed']);
  });
});
