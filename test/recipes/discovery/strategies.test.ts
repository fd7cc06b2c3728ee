import { describe, expect, it } from 'vitest';
import { DownInstanceTracker } from '../../../recipes/discovery/down-instance-policy.js';
import { random, roundRobin, sticky } from '../../../recipes/discovery/provider-strategy.js';
import type { ServiceInstance } from '../../../recipes/discovery/service-instance.js';
import { weighted } from '../../../recipes/discovery/weighted-strategy.js';

function inst(id: string, payload: unknown = null): ServiceInstance {
  return {
    name: 'svc',
    id,
    address: '127.0.0.1',
    port: 1000,
    sslPort: null,
    payload,
    registrationTimeUTC: 0,
    serviceType: 'DYNAMIC',
    uriSpec: null,
    enabled: true,
    javaPayloadClass: null,
  };
}
const ids = (xs: ServiceInstance[]) => xs.map((x) => x.id).join('');

describe('roundRobin', () => {
  it('cycles through the instances in order', () => {
    const s = roundRobin();
    const list = [inst('a'), inst('b'), inst('c')];
    expect(ids(Array.from({ length: 7 }, () => s.choose(list)))).toBe('abcabca');
  });

  it('keeps spreading when the list shrinks', () => {
    const s = roundRobin();
    s.choose([inst('a'), inst('b'), inst('c')]);
    expect(ids(Array.from({ length: 4 }, () => s.choose([inst('a'), inst('c')])))).toBe('caca');
  });
});

describe('random', () => {
  it('maps the random source onto the list', () => {
    const values = [0, 0.5, 0.99, 0.3];
    const s = random({ random: () => values.shift()! });
    const list = [inst('a'), inst('b'), inst('c')];
    expect(ids(Array.from({ length: 4 }, () => s.choose(list)))).toBe('abca');
  });
});

describe('sticky', () => {
  it('stays on one instance until it disappears', () => {
    const s = sticky(roundRobin());
    const list = [inst('a'), inst('b'), inst('c')];
    expect(ids(Array.from({ length: 3 }, () => s.choose(list)))).toBe('aaa');
    expect(s.choose([inst('b'), inst('c')]).id).toBe('c');
    expect(s.choose([inst('a'), inst('b'), inst('c')]).id).toBe('c');
  });
});

describe('weighted', () => {
  it('smooth mode interleaves by weight (nginx sequence for 5,1,1)', () => {
    const s = weighted();
    const list = [inst('a', { weight: 5 }), inst('b', { weight: 1 }), inst('c', { weight: 1 })];
    expect(ids(Array.from({ length: 7 }, () => s.choose(list)))).toBe('aabacaa');
  });

  it('takes weights from a function and skips weight 0 unless all are 0', () => {
    const s = weighted({ weight: (i) => (i.id === 'z' ? 0 : 2) });
    const list = [inst('a'), inst('z'), inst('b')];
    const picks = Array.from({ length: 6 }, () => s.choose(list).id);
    expect(picks.includes('z')).toBe(false);
    const allZero = weighted({ weight: () => 0 });
    expect(ids(Array.from({ length: 2 }, () => allZero.choose([inst('x'), inst('y')])))).toBe('xy');
  });

  it('random mode follows the weights', () => {
    const values = [0.1, 0.7, 0.85];
    const s = weighted({ mode: 'random', random: () => values.shift()! });
    const list = [inst('a', { weight: 3 }), inst('b', { weight: 1 })];
    expect(ids([s.choose(list), s.choose(list), s.choose(list)])).toBe('aab');
  });

  it('rejects a bad default weight', () => {
    expect(() => weighted({ defaultWeight: -1 })).toThrow(/defaultWeight/);
  });
});

describe('DownInstanceTracker', () => {
  it('hides an instance after threshold errors until the episode times out', () => {
    let now = 1000;
    const t = new DownInstanceTracker({ timeoutMs: 100, errorThreshold: 2 }, () => now);
    t.noteError('a');
    expect(t.isDown('a')).toBe(false);
    now += 50;
    t.noteError('a');
    expect(t.isDown('a')).toBe(true);
    expect(t.isDown('b')).toBe(false);
    now += 49;
    expect(t.isDown('a')).toBe(true);
    now += 1;
    expect(t.isDown('a')).toBe(false);
    t.noteError('a');
    expect(t.isDown('a')).toBe(false);
  });

  it('rejects a bad policy', () => {
    expect(() => new DownInstanceTracker({ errorThreshold: 0 })).toThrow(/errorThreshold/);
    expect(() => new DownInstanceTracker({ timeoutMs: -5 })).toThrow(/timeoutMs/);
  });
});
