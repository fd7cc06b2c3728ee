import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, inject, onTestFinished } from 'vitest';
import { connect, type ZooKeeperClient } from '../../src/index.js';
import { Ensemble, type EnsembleOptions } from '../../src/testing/index.js';

/**
 * Starts a dedicated ensemble inside a test and closes it when the test finishes (pass or fail).
 * Use it for tests that stop, kill, pause or cut servers; everything else should use the run's
 * shared ensemble ({@link sharedConnectString}).
 *
 * @example
 * ```ts
 * it('survives losing the leader', async () => {
 *   const ensemble = await withDedicatedEnsemble({ size: 3 });
 *   await ensemble.kill((await ensemble.leader())!);
 * });
 * ```
 */
export async function withDedicatedEnsemble(options: EnsembleOptions = {}): Promise<Ensemble> {
  const ensemble = await Ensemble.start(options);
  onTestFinished(() => ensemble.close());
  return ensemble;
}

/** Accessor returned by {@link useDedicatedEnsemble}. */
export interface DedicatedEnsembleHandle {
  /** The started ensemble; throws when read outside the suite's tests. */
  readonly ensemble: Ensemble;
}

/**
 * Starts ONE dedicated ensemble for a whole `describe` block (beforeAll) and closes it after
 * the block (afterAll). Tests in the block share it, so each test must leave it healthy (restart
 * what it stopped, heal its proxies); with `healAfterEach: true` that is done after every test
 * by {@link Ensemble.heal}.
 *
 * @example
 * ```ts
 * describe('lock under server failures', () => {
 *   const zk = useDedicatedEnsemble({ size: 3 }, { healAfterEach: true });
 *   it('keeps one holder across a leader kill', async () => {
 *     const { ensemble } = zk;
 *     // …
 *   });
 * });
 * ```
 */
export function useDedicatedEnsemble(
  options: EnsembleOptions = {},
  { healAfterEach = false }: { healAfterEach?: boolean } = {},
): DedicatedEnsembleHandle {
  let started: Ensemble | undefined;
  beforeAll(async () => {
    started = await Ensemble.start(options);
  });
  if (healAfterEach) {
    afterEach(async () => {
      await started?.heal({ timeoutMs: 60_000 });
    });
  }
  afterAll(async () => {
    await started?.close();
  });
  return {
    get ensemble(): Ensemble {
      if (!started)
        throw new Error('dedicated ensemble not started (use it inside a test of the same describe)');
      return started;
    },
  };
}

/**
 * The connect string of the run's shared ensemble (started by test/global-setup.ts, or
 * ZK_TEST_CONNECT). Never stop or freeze its servers.
 *
 * @example
 * ```ts
 * const client = await connect(sharedConnectString());
 * ```
 */
export function sharedConnectString(): string {
  return inject('zkConnectString');
}

/**
 * A unique path prefix for one test (`/<prefix>-<uuid>`), so tests sharing an ensemble never
 * see each other's nodes. Append it to a connect string as a chroot, or use it as a base path.
 *
 * @example
 * ```ts
 * const root = uniquePath('lock'); // '/lock-3f1c…'
 * const client = await connect(`${sharedConnectString()}${root}`);
 * ```
 */
export function uniquePath(prefix = 'test'): string {
  return `/${prefix}-${randomUUID()}`;
}

/**
 * A client factory for fault tests: each client gets a short session timeout (so an expiry takes
 * seconds) and a long request timeout (requests wait out a partition), and every client it made
 * is closed after the file's tests.
 *
 * @example
 * ```ts
 * const zk = useDedicatedEnsemble({ size: 3 });
 * const client = useFaultClients({ sessionTimeoutMs: 3_000 });
 * it('...', async () => {
 *   const far = await client(zk.ensemble.proxiedConnectString);
 * });
 * ```
 */
export function useFaultClients(
  options: { sessionTimeoutMs?: number; requestTimeoutMs?: number } = {},
): (connectString: string) => Promise<ZooKeeperClient> {
  const opened: ZooKeeperClient[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
  });
  return async (connectString) => {
    const c = await connect(connectString, {
      sessionTimeoutMs: options.sessionTimeoutMs ?? 3_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
    });
    opened.push(c);
    return c;
  };
}
