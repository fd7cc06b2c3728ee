// Validation of one path segment (a member id, an item or binding name).
import { InvalidArgumentError } from '../../src/index.js';

/**
 * Throws `InvalidArgumentError` unless `name` is one non-empty path segment (no `/`, not `.`
 * or `..`, no control characters).
 *
 * @example
 * ```ts
 * assertSegment('worker-1', 'member id');
 * ```
 */
export function assertSegment(name: string, what: string): void {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || hasBadChar(name)) {
    throw new InvalidArgumentError(`invalid ${what} ${JSON.stringify(name)}: one path segment expected`);
  }
}

function hasBadChar(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x2f || c === 0x7f) return true;
  }
  return false;
}

/**
 * `parent/name` for a parent path (`/` handled).
 *
 * @example
 * ```ts
 * childPath('/a', 'b'); // '/a/b'
 * ```
 */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
