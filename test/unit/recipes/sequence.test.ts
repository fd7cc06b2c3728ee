import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSequence,
  isProtectedName,
  parseSequentialName,
  protectedId,
  protectedPrefix,
  sortSequential,
  stripProtectedPrefix,
} from '../../../recipes/internal/sequence.js';

const UUID = '2a0f8a8e-5b52-4b7c-9a43-3c0f5f0f9a11';

describe('sequence', () => {
  it('recognises Curator protected names', () => {
    const name = `${protectedPrefix(UUID)}lock-0000000003`;
    expect(name.startsWith('_c_')).toBe(true);
    expect(isProtectedName(name)).toBe(true);
    expect(protectedId(name)).toBe(UUID);
    expect(stripProtectedPrefix(name)).toBe('lock-0000000003');
    expect(isProtectedName('_c_not-a-uuid-lock-0000000003')).toBe(false);
    expect(stripProtectedPrefix('lock-0000000003')).toBe('lock-0000000003');
  });

  it('parses base and sequence, ignoring the protected prefix', () => {
    expect(parseSequentialName(`${protectedPrefix(UUID)}__READ__0000000042`)).toEqual({
      name: `${protectedPrefix(UUID)}__READ__0000000042`,
      base: '__READ__',
      sequence: 42,
      protectedId: UUID,
    });
    expect(parseSequentialName('0a1b2c3d__lock__0000000007')?.base).toBe('0a1b2c3d__lock__');
    expect(parseSequentialName('lock-')).toBeUndefined();
    expect(parseSequentialName('readme')).toBeUndefined();
  });

  it('sorts ours, Curator and kazoo nodes together by sequence only', () => {
    const children = [
      `${protectedPrefix(UUID)}lock-0000000005`,
      'lock-0000000002',
      'ffffffffffffffffffffffffffffffff__lock__0000000004',
      `_c_00000000-0000-0000-0000-000000000000-lock-0000000001`,
      'leases',
    ];
    const sorted = sortSequential(children);
    expect(sorted.map((n) => n.sequence)).toEqual([1, 2, 4, 5]);
    const onlyLock = sortSequential(children, (n) => n.base === 'lock-');
    expect(onlyLock.map((n) => n.sequence)).toEqual([1, 2, 5]);
  });

  it('orders any set of protected names by their counters (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1 }),
        fc.uuid(),
        (seqs, uuid) => {
          const names = seqs.map(
            (s, i) => (i % 2 ? `${protectedPrefix(uuid)}lock-` : 'lock-') + formatSequence(s),
          );
          const sorted = sortSequential(names).map((n) => n.sequence);
          expect(sorted).toEqual([...seqs].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('formats like %010d and rejects bad numbers', () => {
    expect(formatSequence(42)).toBe('0000000042');
    expect(() => formatSequence(-1)).toThrow(RangeError);
  });
});
