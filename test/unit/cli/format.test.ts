import { describe, expect, it } from 'vitest';
import { displayData, formatDuration, sessionHex, table, toJson } from '../../../src/cli/format.js';

describe('CLI formatting', () => {
  it('aligns table columns under upper-case headers', () => {
    expect(
      table(
        ['role', 'id'],
        [
          ['holder', 'w1'],
          ['waiter', 'worker-2'],
        ],
      ),
    ).toBe('ROLE    ID\nholder  w1\nwaiter  worker-2');
  });

  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [12_345, '12.3s'],
    [65_000, '1m05s'],
    [2 * 3_600_000 + 3 * 60_000, '2h03m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d04h'],
    [-5, '0ms'],
    [Number.NaN, '?'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints session ids in hex', () => {
    expect(sessionHex(0x1000003c7ffa0000n)).toBe('0x1000003c7ffa0000');
  });

  it('shows text as is and binary data as base64', () => {
    expect(displayData(Buffer.from('{"a":1}'))).toBe('{"a":1}');
    expect(displayData(Buffer.from([0, 1, 2]))).toBe('base64:AAEC');
    expect(displayData(Buffer.from([0xff, 0xfe]))).toBe('base64://4=');
    expect(displayData(new Uint8Array())).toBe('');
  });

  it('writes bigints and buffers into JSON', () => {
    expect(JSON.parse(toJson({ czxid: 5n, data: Buffer.from('hi'), n: 1 }))).toEqual({
      czxid: '5',
      data: 'hi',
      n: 1,
    });
  });
});
