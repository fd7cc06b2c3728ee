import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkItems } from '../../../recipes/queues/put-items.js';
import {
  delayNaming,
  delayPrefix,
  fifoNaming,
  lockingNaming,
  lockingPrefix,
  priorityNaming,
  priorityPrefix,
  toSortedEntries,
} from '../../../recipes/queues/queue-naming.js';

const seq = (n: number): string => String(n).padStart(10, '0');

describe('queue naming (pure)', () => {
  it('FIFO: qn- names sort by sequence, foreign children are ignored, wrapped counters sort last', () => {
    const names = [
      `qn-${seq(10)}`,
      'lock',
      `qn-${seq(2)}`,
      `qn-${seq(100)}`,
      'qn--2147483648',
      'x-0000000001',
    ];
    expect(toSortedEntries(fifoNaming, names).map((e) => e.name)).toEqual([
      `qn-${seq(2)}`,
      `qn-${seq(10)}`,
      `qn-${seq(100)}`,
      'qn--2147483648',
    ]);
  });

  it('priority: any two priorities sort as numbers, then by sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (a, b) => {
          const [first] = toSortedEntries(priorityNaming, [
            `${priorityPrefix(b)}${seq(1)}`,
            `${priorityPrefix(a)}${seq(2)}`,
          ]);
          const expected = a < b ? `${priorityPrefix(a)}${seq(2)}` : `${priorityPrefix(b)}${seq(1)}`;
          expect(first?.name).toBe(expected);
        },
      ),
    );
    expect(() => priorityPrefix(2 ** 31)).toThrow(RangeError);
  });

  it('delay: due times sort in time order and parse back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 0, max: 2 ** 47 }), (a, b) => {
        const entries = toSortedEntries(delayNaming, [
          `${delayPrefix(a)}${seq(1)}`,
          `${delayPrefix(b)}${seq(2)}`,
        ]);
        expect(entries.map((e) => e.dueAtMs)).toEqual([Math.min(a, b), Math.max(a, b)]);
      }),
    );
    expect(() => delayPrefix(-1)).toThrow(RangeError);
  });

  it('locking: kazoo entry-<priority>- names', () => {
    expect(lockingPrefix(7)).toBe('entry-007-');
    expect(
      toSortedEntries(lockingNaming, [`entry-100-${seq(1)}`, `entry-005-${seq(9)}`]).map((e) => e.name),
    ).toEqual([`entry-005-${seq(9)}`, `entry-100-${seq(1)}`]);
    expect(() => lockingPrefix(-1)).toThrow(RangeError);
  });

  it('chunkItems keeps order and never exceeds the budget', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 200 }), (sizes) => {
        const items = sizes.map((n) => ({ prefix: 'qn-', data: new Uint8Array(n) }));
        const chunks = chunkItems('/q', items, 4096);
        expect(chunks.flat()).toEqual(items);
        for (const chunk of chunks) {
          const bytes = chunk.reduce((sum, it) => sum + 128 + 2 + 3 + it.data.byteLength, 0);
          expect(bytes).toBeLessThanOrEqual(4096);
        }
      }),
    );
  });
});
