import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/client/errors.js';
import {
  applyChroot,
  joinPath,
  normalizeChroot,
  parentPath,
  stripChroot,
  validatePath,
} from '../../../src/client/paths.js';

describe('validatePath (ZooKeeper PathUtils rules)', () => {
  it.each([
    '/',
    '/a',
    '/a/b/c',
    '/a.b',
    '/...',
    '/.a',
    '/a..',
    '/zookeeper/config',
    '/日本語',
    '/with space',
    '/a-b_c:d',
  ])('accepts %j', (p) => {
    expect(() => validatePath(p)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['a', /start with \//],
    ['/a/', /end with \//],
    ['//', /end with \//],
    ['/a//b', /empty node name/],
    ['/.', /relative/],
    ['/..', /relative/],
    ['/a/./b', /relative/],
    ['/a/../b', /relative/],
    ['/a/..', /relative/],
    ['/a\u0000b', /null character/],
    ['/a\u0001', /U\+0001/],
    ['/a\u001f', /U\+001F/],
    ['/a\u007f', /U\+007F/],
    ['/a\u009f', /U\+009F/],
    ['/a\ud83d\ude00', /U\+D83D/],
    ['/a\ue000', /U\+E000/],
    ['/a\ufff0', /U\+FFF0/],
    ['/a\uffff', /U\+FFFF/],
  ])('rejects %j', (p, message) => {
    expect(() => validatePath(p)).toThrow(InvalidArgumentError);
    expect(() => validatePath(p)).toThrow(message);
  });

  it('rejects non-strings with a typed error', () => {
    expect(() => validatePath(undefined as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => validatePath(42 as unknown as string)).toThrow(/must be a string/);
  });

  it('allows a trailing / for sequential creates only', () => {
    expect(() => validatePath('/queue/', true)).not.toThrow();
    expect(() => validatePath('/queue/item-', true)).not.toThrow();
    expect(() => validatePath('/queue/')).toThrow(InvalidArgumentError);
    expect(() => validatePath('/a//', true)).toThrow(/empty node name/);
    expect(() => validatePath('/./', true)).toThrow(/relative/);
  });

  it('never throws anything but InvalidArgumentError (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, seq) => {
        try {
          validatePath(s, seq);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidArgumentError);
        }
      }),
    );
  });

  it('accepts every path built from valid segments (property)', () => {
    const segment = fc
      .string({ unit: fc.constantFrom(...'abcXYZ019-_.:é'.split('')), minLength: 1, maxLength: 8 })
      .filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segs) => {
        expect(() => validatePath(`/${segs.join('/')}`)).not.toThrow();
      }),
    );
  });
});

describe('chroot', () => {
  it('normalizes', () => {
    expect(normalizeChroot('')).toBe('');
    expect(normalizeChroot('/')).toBe('');
    expect(normalizeChroot('/app/x')).toBe('/app/x');
    expect(() => normalizeChroot('/app/')).toThrow(InvalidArgumentError);
  });

  it('applies and strips with a checked prefix', () => {
    expect(applyChroot('/app', '/')).toBe('/app');
    expect(applyChroot('/app', '/a/b')).toBe('/app/a/b');
    expect(applyChroot('', '/a')).toBe('/a');
    expect(stripChroot('/app', '/app')).toBe('/');
    expect(stripChroot('/app', '/app/a')).toBe('/a');
    expect(stripChroot('/app', '/apple')).toBeUndefined();
    expect(stripChroot('/app', '/other')).toBeUndefined();
    expect(stripChroot('', '/x')).toBe('/x');
  });

  it('strip inverts apply (property)', () => {
    const seg = fc.string({ unit: fc.constantFrom(...'abc12'.split('')), minLength: 1, maxLength: 4 });
    const path = fc.array(seg, { maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const chroot = fc.array(seg, { maxLength: 3 }).map((s) => (s.length === 0 ? '' : `/${s.join('/')}`));
    fc.assert(
      fc.property(chroot, path, (c, p) => {
        expect(stripChroot(c, applyChroot(c, p))).toBe(p);
      }),
    );
  });
});

describe('parentPath / joinPath', () => {
  it('works at the root and below', () => {
    expect(parentPath('/')).toBeUndefined();
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/a/b/c')).toBe('/a/b');
    expect(joinPath('/', 'a')).toBe('/a');
    expect(joinPath('/a', 'b')).toBe('/a/b');
  });
});
