/**
 * Errors raised by the testing kit. Every failure of the kit is one of these classes, so a test
 * can tell "the harness could not start ZooKeeper" apart from "the code under test failed".
 *
 * @example
 * ```ts
 * import { Ensemble, ZooKeeperNotFoundError } from 'zk-recipes/testing';
 * try {
 *   await using ensemble = await Ensemble.start({ size: 3 });
 * } catch (err) {
 *   if (err instanceof ZooKeeperNotFoundError) console.error(err.message); // says what to install
 *   else throw err;
 * }
 * ```
 */
export class TestingKitError extends Error {
  override name = 'TestingKitError';
}

/**
 * Neither a local ZooKeeper installation (with Java) nor a Docker engine was found.
 *
 * @example
 * ```ts
 * if (err instanceof ZooKeeperNotFoundError) console.error(err.message);
 * ```
 */
export class ZooKeeperNotFoundError extends TestingKitError {
  override name = 'ZooKeeperNotFoundError';
}

/**
 * A server did not reach the awaited state (serving, a role, a quorum) before the deadline.
 * The message names the server and the tail of its log.
 *
 * @example
 * ```ts
 * await ensemble.waitForQuorum({ timeoutMs: 1_000 }).catch((err) => {
 *   if (err instanceof EnsembleTimeoutError) console.error(err.message);
 * });
 * ```
 */
export class EnsembleTimeoutError extends TestingKitError {
  override name = 'EnsembleTimeoutError';
}

/**
 * A server process exited while the kit was waiting for it to start.
 *
 * @example
 * ```ts
 * if (err instanceof ServerExitedError) console.error(err.message); // includes the log tail
 * ```
 */
export class ServerExitedError extends TestingKitError {
  override name = 'ServerExitedError';
}

/**
 * A four-letter-word command got no complete answer within its timeout.
 *
 * @example
 * ```ts
 * await fourLetterWord('127.0.0.1', 2181, 'ruok', { timeoutMs: 500 }).catch((err) => {
 *   if (err instanceof FourLetterWordTimeoutError) console.log('server frozen or cut off');
 * });
 * ```
 */
export class FourLetterWordTimeoutError extends TestingKitError {
  override name = 'FourLetterWordTimeoutError';
}

/**
 * {@link waitUntil} ran out of time; `cause` is the probe's last error, if it threw.
 *
 * @example
 * ```ts
 * await waitUntil(() => false, { timeoutMs: 100 }).catch((err) => err instanceof WaitTimeoutError); // true
 * ```
 */
export class WaitTimeoutError extends TestingKitError {
  override name = 'WaitTimeoutError';
}
