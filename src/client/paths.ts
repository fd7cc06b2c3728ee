import { InvalidArgumentError } from './errors.js';

/**
 * Checks a znode path with exactly the rules of ZooKeeper's `PathUtils.validatePath`: it must
 * start with `/`, must not end with `/` (except the root, or a sequential create's prefix), and
 * must not contain empty segments, `.` or `..` segments, NUL, control characters
 * (U+0001–U+001F, U+007F–U+009F), surrogates or private-use characters (U+D800–U+F8FF), or
 * U+FFF0–U+FFFF.
 *
 * @param path - the path to check
 * @param sequential - true for a sequential create, where the server appends a counter, so a
 *   trailing `/` is allowed (`/queue/` yields `/queue/0000000001`)
 * @throws InvalidArgumentError naming the problem and its position
 *
 * @example
 * ```ts
 * validatePath('/app/config');              // ok
 * validatePath('/app/lock-', true);         // ok: sequential prefix
 * validatePath('/app/');                    // throws InvalidArgumentError
 * ```
 */
export function validatePath(path: string, sequential = false): void {
  if (typeof path !== 'string') {
    throw new InvalidArgumentError(`path must be a string, got ${typeof path}`);
  }
  const checked = sequential ? `${path}1` : path;
  const problem = pathProblem(checked);
  if (problem !== undefined) {
    throw new InvalidArgumentError(`invalid path ${JSON.stringify(path)}: ${problem}`);
  }
}

function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'path must not be empty';
  if (path.charCodeAt(0) !== 0x2f) return 'path must start with /';
  if (path.length === 1) return undefined;
  if (path.charCodeAt(path.length - 1) === 0x2f) return 'path must not end with /';
  let segmentStart = 1;
  for (let i = 1; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      const segment = path.slice(segmentStart, i);
      if (segment.length === 0) return `empty node name at ${i}`;
      if (segment === '.' || segment === '..') return `relative paths are not allowed at ${segmentStart}`;
      segmentStart = i + 1;
      continue;
    }
    if (c === 0) return `null character at ${i}`;
    if (
      (c > 0x00 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `invalid character U+${c.toString(16).toUpperCase().padStart(4, '0')} at ${i}`;
    }
  }
  return undefined;
}

/**
 * Checks a chroot (the `/app` of `host:2181/app`): a valid path that is not the root.
 * Returns the normalised chroot: `''` for none.
 *
 * @example
 * ```ts
 * normalizeChroot('/app'); // '/app'
 * normalizeChroot('');     // ''
 * ```
 */
export function normalizeChroot(chroot: string): string {
  if (chroot === '' || chroot === '/') return '';
  validatePath(chroot);
  return chroot;
}

/**
 * Prefixes a client path with the chroot: the server path. The chroot's root maps to the
 * chroot itself.
 *
 * @example
 * ```ts
 * applyChroot('/app', '/a'); // '/app/a'
 * applyChroot('/app', '/');  // '/app'
 * applyChroot('', '/a');     // '/a'
 * ```
 */
export function applyChroot(chroot: string, path: string): string {
  if (chroot === '') return path;
  return path === '/' ? chroot : chroot + path;
}

/**
 * Removes the chroot from a server path: the client path. Returns `undefined` when the path lies
 * outside the chroot (checked prefix, never a blind slice).
 *
 * @example
 * ```ts
 * stripChroot('/app', '/app/a');  // '/a'
 * stripChroot('/app', '/app');    // '/'
 * stripChroot('/app', '/apple');  // undefined
 * ```
 */
export function stripChroot(chroot: string, serverPath: string): string | undefined {
  if (chroot === '') return serverPath;
  if (serverPath === chroot) return '/';
  if (serverPath.startsWith(chroot) && serverPath.charCodeAt(chroot.length) === 0x2f) {
    return serverPath.slice(chroot.length);
  }
  return undefined;
}

/**
 * The parent of a valid path; `undefined` for the root.
 *
 * @example
 * ```ts
 * parentPath('/a/b'); // '/a'
 * parentPath('/a');   // '/'
 * parentPath('/');    // undefined
 * ```
 */
export function parentPath(path: string): string | undefined {
  if (path === '/') return undefined;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/**
 * Joins a parent path and a child name.
 *
 * @example
 * ```ts
 * joinPath('/', 'a');   // '/a'
 * joinPath('/a', 'b');  // '/a/b'
 * ```
 */
export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
