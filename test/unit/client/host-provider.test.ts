import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/client/errors.js';
import { formatHost, HostProvider, parseConnectString } from '../../../src/client/host-provider.js';

describe('parseConnectString', () => {
  it('parses hosts, default ports and chroot', () => {
    expect(parseConnectString('a:1,b , c:2/app/x')).toEqual({
      hosts: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2181 },
        { host: 'c', port: 2 },
      ],
      chroot: '/app/x',
    });
    expect(parseConnectString('127.0.0.1:2181/').chroot).toBe('');
  });

  it('parses bracketed IPv6', () => {
    expect(parseConnectString('[::1]:2182,[fe80::1%eth0]').hosts).toEqual([
      { host: '::1', port: 2182 },
      { host: 'fe80::1%eth0', port: 2181 },
    ]);
    expect(formatHost({ host: '::1', port: 5 })).toBe('[::1]:5');
    expect(formatHost({ host: 'a', port: 5 })).toBe('a:5');
  });

  it.each([
    '',
    '   ',
    'a,,b',
    'a:0',
    'a:65536',
    'a:x',
    'a:',
    '::1:2181',
    '[::1',
    '[::1]x',
    '[]:1',
    'a/b/',
    'a/b//c',
    'a/./c',
    'a/../c',
    ':2181',
  ])('rejects %j', (s) => {
    expect(() => parseConnectString(s)).toThrow(InvalidArgumentError);
  });

  it('rejects non-strings', () => {
    expect(() => parseConnectString(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});

describe('HostProvider', () => {
  const hosts = [1, 2, 3, 4].map((p) => ({ host: 'h', port: p }));

  it('rotates over every host before repeating', () => {
    const hp = new HostProvider(hosts);
    const first = [hp.next(), hp.next(), hp.next(), hp.next()].map((h) => h.port);
    expect([...first].sort()).toEqual([1, 2, 3, 4]);
    expect(hp.next().port).toBe(first[0]);
    expect(hp.current?.port).toBe(first[0]);
  });

  it('keeps order without shuffle and shuffles with a seeded random', () => {
    expect(new HostProvider(hosts, { shuffle: false }).hosts.map((h) => h.port)).toEqual([1, 2, 3, 4]);
    const shuffled = new HostProvider(hosts, { random: () => 0 }).hosts.map((h) => h.port);
    expect(shuffled).toEqual([2, 3, 4, 1]);
  });

  it('rejects an empty list', () => {
    expect(() => new HostProvider([])).toThrow(InvalidArgumentError);
  });
});
