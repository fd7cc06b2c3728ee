import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkItems, formatZkSequence, recoverPut } from '../../../recipes/queues/put-items.js';
import {
  delayNaming,
  delayPrefix,
  fifoNaming,
  lockingNaming,
  lockingPrefix,
  priorityNaming,
  priorityPrefix,
  protectedItemPrefix,
  type QueueNaming,
  RECEIPT_PREFIX,
  toSortedEntries,
} from '../../../recipes/queues/queue-naming.js';

const seq = (n: number): string => String(n).padStart(10, '0');
const U1 = '2a0f8a8e-5b52-4b7c-9a43-3c0f5f0f9a11';
const U2 = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';

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

  it('every naming parses protected and plain names and takes the put id from the protected ones', () => {
    const cases: [QueueNaming, string][] = [
      [fifoNaming, 'qn-'],
      [priorityNaming, priorityPrefix(-3)],
      [delayNaming, delayPrefix(1_700_000_000_000)],
      [lockingNaming, lockingPrefix(100)],
    ];
    for (const [naming, prefix] of cases) {
      const plain = naming.parse(`${prefix}${seq(7)}`);
      const guarded = naming.parse(`${protectedItemPrefix(prefix, U1)}${seq(7)}`);
      expect(plain?.putId).toBeUndefined();
      expect(guarded?.putId).toBe(U1);
      // the marker never changes the order key or the due time
      expect(guarded?.sortKey).toBe(plain?.sortKey);
      expect(guarded?.dueAtMs).toBe(plain?.dueAtMs);
      // receipts, broken markers and markers in the wrong place are not items
      expect(naming.parse(`${RECEIPT_PREFIX}${U1}-${seq(8)}`)).toBeNull();
      expect(naming.parse(`${prefix}_c_not-a-uuid-${seq(7)}`)).toBeNull();
      expect(naming.parse(`_c_${U1}-${prefix}${seq(7)}`)).toBeNull();
      expect(naming.parse(`${protectedItemPrefix(prefix, U1)}`)).toBeNull();
    }
    expect(protectedItemPrefix('qn-', U1)).toBe(`qn-_c_${U1}-`);
    expect(fifoNaming.parse(`qn-_c_${U1}--2147483648`)?.putId).toBe(U1);
  });

  it('FIFO: old plain and protected names interleave strictly by sequence', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (sequences, guarded) => {
          const names = sequences.map((n, i) =>
            guarded[i] ? `${protectedItemPrefix('qn-', i % 2 ? U1 : U2)}${seq(n)}` : `qn-${seq(n)}`,
          );
          const order = toSortedEntries(fifoNaming, [...names, `${RECEIPT_PREFIX}${U1}-${seq(5)}`]);
          expect(order.map((e) => e.name)).toEqual(
            [...names].sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10))),
          );
        },
      ),
    );
  });

  it('priority, delay and locking: mixed names sort by priority / due time, then sequence', () => {
    const p = (priority: number, n: number, uuid?: string): string =>
      `${uuid ? protectedItemPrefix(priorityPrefix(priority), uuid) : priorityPrefix(priority)}${seq(n)}`;
    expect(
      toSortedEntries(priorityNaming, [p(5, 1), p(5, 3, U1), p(-1, 9, U2), p(5, 2), p(-1, 4)]).map(
        (e) => e.name,
      ),
    ).toEqual([p(-1, 4), p(-1, 9, U2), p(5, 1), p(5, 2), p(5, 3, U1)]);
    const d = (due: number, n: number, uuid?: string): string =>
      `${uuid ? protectedItemPrefix(delayPrefix(due), uuid) : delayPrefix(due)}${seq(n)}`;
    const delayed = toSortedEntries(delayNaming, [d(2_000, 1, U1), d(1_000, 2), d(1_000, 3, U2)]);
    expect(delayed.map((e) => e.name)).toEqual([d(1_000, 2), d(1_000, 3, U2), d(2_000, 1, U1)]);
    expect(delayed.map((e) => e.dueAtMs)).toEqual([1_000, 1_000, 2_000]);
    const l = (priority: number, n: number, uuid?: string): string =>
      `${uuid ? protectedItemPrefix(lockingPrefix(priority), uuid) : lockingPrefix(priority)}${seq(n)}`;
    expect(
      toSortedEntries(lockingNaming, [l(100, 2, U1), l(100, 1), l(7, 3), l(100, 4, U2)]).map((e) => e.name),
    ).toEqual([l(7, 3), l(100, 1), l(100, 2, U1), l(100, 4, U2)]);
  });

  it('formatZkSequence prints sequences as ZooKeeper does (%010d, signed 32-bit)', () => {
    expect(formatZkSequence(42)).toBe('0000000042');
    expect(formatZkSequence(-7)).toBe('-000000007');
    expect(formatZkSequence(2 ** 31)).toBe('-2147483648');
    expect(formatZkSequence(-(2 ** 31))).toBe('-2147483648');
  });

  it('recoverPut: the receipt gives every name, even of items already taken', () => {
    const chunk = [
      { prefix: priorityPrefix(3), data: new Uint8Array(), uuid: U1 },
      { prefix: priorityPrefix(-1), data: new Uint8Array(), uuid: U1 },
      { prefix: priorityPrefix(3), data: new Uint8Array(), uuid: U1 },
    ];
    const names = [10, 11, 12].map((n, i) => `${protectedItemPrefix(chunk[i]!.prefix, U1)}${seq(n)}`);
    const receipt = `${RECEIPT_PREFIX}${U1}-${seq(13)}`;
    const others = [
      `${protectedItemPrefix(priorityPrefix(3), U2)}${seq(14)}`,
      `${priorityPrefix(3)}${seq(9)}`,
    ];
    expect(recoverPut(chunk, U1, [...others, receipt])).toEqual({ names, receipt });
    expect(recoverPut(chunk, U1, [names[2]!, ...others, names[0]!, names[1]!])).toEqual({
      names,
      receipt: undefined,
    });
    // receipt gone with its session, one item taken: the rest still pins the sequence down
    expect(recoverPut(chunk, U1, [names[1]!, ...others])?.names).toEqual(names);
    expect(recoverPut(chunk, U1, others)).toBeUndefined();
    expect(recoverPut(chunk, U2, [receipt])).toBeUndefined();
  });

  it('recoverPut: coalesced single puts (a uuid each) are told apart by their uuids', () => {
    const U3 = '00000000-0000-4000-8000-000000000003';
    const chunk = [U1, U2, U3].map((uuid) => ({ prefix: 'qn-', data: new Uint8Array(), uuid }));
    const names = chunk.map((it, i) => `${protectedItemPrefix('qn-', it.uuid)}${seq(40 + i)}`);
    // the receipt carries the first put's uuid
    expect(recoverPut(chunk, U1, [`${RECEIPT_PREFIX}${U1}-${seq(43)}`])?.names).toEqual(names);
    // no receipt, only the last item left: its uuid alone pins the start
    expect(recoverPut(chunk, U1, [names[2]!, `qn-${seq(7)}`])?.names).toEqual(names);
    const stranger = `${protectedItemPrefix('qn-', 'ffffffff-0000-4000-8000-000000000000')}${seq(41)}`;
    expect(recoverPut(chunk, U1, [stranger])).toBeUndefined();
  });

  it('recoverPut: a 2000-item chunk with every item listed resolves fast', () => {
    const chunk = Array.from({ length: 2000 }, () => ({ prefix: 'qn-', data: new Uint8Array(), uuid: U1 }));
    const names = chunk.map((it, i) => `${protectedItemPrefix('qn-', it.uuid)}${seq(1000 + i)}`);
    const shuffled = [...names].sort(() => Math.random() - 0.5);
    const started = performance.now();
    expect(recoverPut(chunk, U1, shuffled)?.names).toEqual(names);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('recoverPut: names across a wrapped counter', () => {
    const chunk = [
      { prefix: 'qn-', data: new Uint8Array(), uuid: U1 },
      { prefix: 'qn-', data: new Uint8Array(), uuid: U1 },
    ];
    const receipt = `${RECEIPT_PREFIX}${U1}--2147483647`;
    expect(recoverPut(chunk, U1, [receipt])?.names).toEqual([
      `qn-_c_${U1}-2147483647`,
      `qn-_c_${U1}--2147483648`,
    ]);
  });

  it('chunkItems counts the allowance per item and per chunk', () => {
    const items = Array.from({ length: 10 }, () => ({ prefix: 'qn-', data: new Uint8Array(100) }));
    // 128 + 2 + 3 + 100 = 233 per item plain; + 40 protected = 273
    expect(chunkItems('/q', items, 1_000).map((c) => c.length)).toEqual([4, 4, 2]);
    expect(
      chunkItems('/q', items, 1_000, { perItemBytes: 40, reserveBytes: 200 }).map((c) => c.length),
    ).toEqual([2, 2, 2, 2, 2]);
    expect(() => chunkItems('/q', items, 300, { perItemBytes: 40, reserveBytes: 200 })).toThrow(
      /batch limit/,
    );
  });
});
