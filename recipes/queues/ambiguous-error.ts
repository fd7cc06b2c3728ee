// Which client errors leave the outcome of a write unknown.
import {
  ConnectionLossError,
  OperationTimeoutError,
  RequestTimeoutError,
  SessionExpiredError,
} from '../../src/index.js';

/**
 * Whether `err` means a write may or may not have been applied: the request may have reached
 * the server but its reply was lost (connection loss, client or server timeout, or the session
 * expired while the reply was outstanding).
 *
 * @example
 * ```ts
 * try { await client.delete(path); } catch (err) { if (isOutcomeUnknown(err)) await readBack(); }
 * ```
 */
export function isOutcomeUnknown(err: unknown): boolean {
  return (
    err instanceof ConnectionLossError ||
    err instanceof RequestTimeoutError ||
    err instanceof OperationTimeoutError ||
    err instanceof SessionExpiredError
  );
}
