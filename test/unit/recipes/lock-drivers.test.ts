import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SequentialNode, sortSequential } from '../../../recipes/internal/sequence.js';
import { exclusiveDriver, readDriver, writeDriver } from '../../../recipes/locks/lock-drivers.js';

const UUID = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
const node = (kind: 'R' | 'W', seq: number): string =>
  `_c_${UUID(seq)}-${kind === 'R' ? '__READ__' : '__WRIT__'}${String(seq).padStart(10, '0')}`;

function decide(names: string[], me: string, driver = readDriver()) {
  const contenders = sortSequential(names, driver.isContender);
  return driver.check(
    contenders,
    contenders.findIndex((c: SequentialNode) => c.name === me),
  );
}

describe('lock drivers', () => {
  it('mutex: first owns, others wait for their immediate predecessor', () => {
    const d = exclusiveDriver(1, ['lock-']);
    const names = ['lock-0000000003', 'lock-0000000001', 'lock-0000000002', 'other-0000000000'];
    const sorted = sortSequential(names, d.isContender);
    expect(sorted.map((n) => n.name)).toEqual(['lock-0000000001', 'lock-0000000002', 'lock-0000000003']);
    expect(d.check(sorted, 0)).toEqual({ acquired: true });
    expect(d.check(sorted, 2)).toEqual({ acquired: false, waitFor: 'lock-0000000002' });
  });

  it('read/write: readers share, a reader waits for the nearest writer ahead, a writer for its predecessor', () => {
    const names = [node('R', 1), node('R', 2), node('W', 3), node('R', 4), node('W', 5), node('R', 6)];
    expect(decide(names, node('R', 2))).toEqual({ acquired: true });
    expect(decide(names, node('R', 4))).toEqual({ acquired: false, waitFor: node('W', 3) });
    expect(decide(names, node('R', 6))).toEqual({ acquired: false, waitFor: node('W', 5) });
    expect(decide(names, node('W', 3), writeDriver())).toEqual({ acquired: false, waitFor: node('R', 2) });
    expect(decide(names, node('W', 5), writeDriver())).toEqual({ acquired: false, waitFor: node('R', 4) });
  });

  it('a downgraded read node (same sequence as its write node) is not blocked by it', () => {
    const downgraded = `_c_${UUID(99)}-__READ__0000000007`;
    const names = [node('W', 7), downgraded, node('W', 8)];
    expect(decide(names, downgraded)).toEqual({ acquired: true });
    const w8 = decide(names, node('W', 8), writeDriver());
    expect(w8.acquired).toBe(false);
  });

  it('never waits for a node behind it, so no wait cycle can form (kazoo#649), for any queue', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (kinds) => {
        const names = kinds.map((isWrite, i) => node(isWrite ? 'W' : 'R', i));
        const sorted = sortSequential(names, readDriver().isContender);
        let holders = 0;
        let writerHolds = false;
        sorted.forEach((me, i) => {
          const driver = me.base.endsWith('__WRIT__') ? writeDriver() : readDriver();
          const d = driver.check(sorted, i);
          if (d.acquired) {
            holders++;
            if (me.base.endsWith('__WRIT__')) writerHolds = true;
          } else {
            const target = sorted.find((n) => n.name === d.waitFor);
            expect(target && target.sequence < me.sequence).toBe(true);
          }
        });
        expect(holders).toBeGreaterThan(0); // someone can always proceed
        if (writerHolds) expect(holders).toBe(1); // a writer holds alone
      }),
    );
  });
});
