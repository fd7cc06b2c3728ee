import { describe, expect, it } from 'vitest';
import { buildSetWatches } from '../../../src/client/set-watches.js';
import { encodeRequest } from '../../../src/protocol/index.js';

const none = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };

describe('buildSetWatches', () => {
  it('returns nothing without watches and uses setWatches without persistent ones', () => {
    expect(buildSetWatches(5n, none)).toEqual([]);
    expect(buildSetWatches(5n, { ...none, data: ['/a'], child: ['/b'] })).toEqual([
      { op: 'setWatches', relativeZxid: 5n, dataWatches: ['/a'], existWatches: [], childWatches: ['/b'] },
    ]);
  });

  it('uses setWatches2 when persistent watches exist', () => {
    const [req] = buildSetWatches(1n, { ...none, exist: ['/e'], persistentRecursive: ['/r'] });
    expect(req).toEqual({
      op: 'setWatches2',
      relativeZxid: 1n,
      dataWatches: [],
      existWatches: ['/e'],
      childWatches: [],
      persistentWatches: [],
      persistentRecursiveWatches: ['/r'],
    });
  });

  it('splits into packets under the limit, keeping every path exactly once', () => {
    const paths = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => `/${tag}/${'é'.repeat(20)}/${i}`);
    const lists = {
      data: paths('d', 3000),
      exist: paths('e', 3000),
      child: paths('c', 3000),
      persistent: paths('p', 100),
      persistentRecursive: paths('r', 100),
    };
    const reqs = buildSetWatches(9n, lists);
    expect(reqs.length).toBeGreaterThan(3);
    const seen = {
      data: [] as string[],
      exist: [] as string[],
      child: [] as string[],
      p: [] as string[],
      r: [] as string[],
    };
    for (const r of reqs) {
      expect(r.op).toBe('setWatches2');
      expect(encodeRequest(-8, r).length).toBeLessThan(128 * 1024);
      if (r.op !== 'setWatches2') continue;
      seen.data.push(...r.dataWatches);
      seen.exist.push(...r.existWatches);
      seen.child.push(...r.childWatches);
      seen.p.push(...r.persistentWatches);
      seen.r.push(...r.persistentRecursiveWatches);
    }
    expect(seen).toEqual({
      data: lists.data,
      exist: lists.exist,
      child: lists.child,
      p: lists.persistent,
      r: lists.persistentRecursive,
    });
  });

  it('gives an oversize path a batch of its own', () => {
    const huge = `/${'x'.repeat(200)}`;
    const reqs = buildSetWatches(0n, { ...none, data: ['/a', huge, '/b'] }, 100);
    expect(reqs.map((r) => r.dataWatches)).toEqual([['/a'], [huge], ['/b']]);
  });
});
