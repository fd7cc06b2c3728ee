import {
  ConnectionLossError,
  InvalidArgumentError,
  isRetryable,
  RequestTimeoutError,
  SessionExpiredError,
} from '../../src/index.js';

/**
 * `parent/child` with `/` handled (internal).
 *
 * @example
 * ```ts
 * joinPath('/', 'a'); // '/a'
 * joinPath('/a', 'b'); // '/a/b'
 * ```
 */
export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/**
 * The parent of an absolute path; `/` for top-level nodes (internal).
 *
 * @example
 * ```ts
 * parentPath('/a/b'); // '/a'
 * ```
 */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/**
 * True for failures that a cache survives by reading again once connected: connection loss,
 * timeouts, session expiry (internal).
 *
 * @example
 * ```ts
 * if (isTransientCacheError(err)) scheduleResync();
 * ```
 */
export function isTransientCacheError(err: unknown): boolean {
  return (
    err instanceof ConnectionLossError ||
    err instanceof SessionExpiredError ||
    err instanceof RequestTimeoutError ||
    isRetryable(err)
  );
}

/**
 * Checks that `path` is an absolute ZooKeeper path (no trailing slash, no empty segment).
 *
 * @example
 * ```ts
 * assertPath('/app/config'); // ok
 * assertPath('app'); // throws InvalidArgumentError
 * ```
 */
export function assertPath(path: string, what = 'path'): void {
  const ok =
    typeof path === 'string' &&
    path.startsWith('/') &&
    (path === '/' || (!path.endsWith('/') && !path.includes('//')));
  if (!ok)
    throw new InvalidArgumentError(`${what} must be an absolute ZooKeeper path, got ${JSON.stringify(path)}`);
}
