import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, inject, onTestFailed, onTestFinished } from 'vitest';
import { connect, type SessionState, type ZooKeeperClient } from '../../src/index.js';
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
  const report = failureReport(() => ensemble);
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') await report();
    await ensemble.close();
  });
  return ensemble;
}

/** Log lines of each server printed when a test on a dedicated ensemble fails. */
const FAILURE_LOG_LINES = 150;
/** Lines the kit's own role polling leaves in a server log. */
const POLL_NOISE = /Processing \w+ command from/;

/**
 * A report for a failed test: what each server of the ensemble logged since this call (its last
 * {@link FAILURE_LOG_LINES} lines) and its role then. A fault test that fails in CI leaves only
 * its output behind, and the servers' side of the story is usually the answer.
 */
function failureReport(ensemble: () => Ensemble | undefined): () => Promise<void> {
  const e = ensemble();
  const from = e ? e.servers.map((s) => e.logs(s.index).length) : [];
  return async () => {
    const now = ensemble();
    if (!now) return;
    for (const s of now.servers) {
      const role = await now.role(s.index).catch((err: unknown) => `unknown (${String(err)})`);
      const lines = now
        .logs(s.index)
        .slice(from[s.index] ?? 0)
        .split('\n')
        .filter((line) => !POLL_NOISE.test(line))
        .slice(-FAILURE_LOG_LINES);
      console.log(
        `--- server ${s.index} (${s.state}, ${role}) since the test started ---\n${lines.join('\n')}`,
      );
    }
  };
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
  beforeEach(() => onTestFailed(failureReport(() => started)));
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

/** Session and request timeouts of a client made by {@link useFaultClients}. */
export interface FaultClientTimeouts {
  /** Session timeout (default 3 000 ms, so an expiry takes seconds). */
  sessionTimeoutMs?: number;
  /** Request timeout (default 20 000 ms, so requests wait out a partition). */
  requestTimeoutMs?: number;
}

/** Options of {@link useFaultClients}. */
export interface FaultClientOptions extends FaultClientTimeouts {
  /**
   * Close the clients made during a test after that test (afterEach), so no session, ephemeral
   * node or watch outlives it. Default false: they are closed after the file's tests.
   */
  closeAfterEach?: boolean;
}

/**
 * A client factory for fault tests: each client gets a short session timeout (so an expiry takes
 * seconds) and a long request timeout (requests wait out a partition); a call may override
 * either. Every client it made is closed after the file's tests, or after each test with
 * `closeAfterEach: true`.
 *
 * @example
 * ```ts
 * const zk = useDedicatedEnsemble({ size: 3 }, { healAfterEach: true });
 * const client = useFaultClients({ sessionTimeoutMs: 3_000, closeAfterEach: true });
 * it('...', async () => {
 *   const far = await client(zk.ensemble.proxiedConnectString);
 *   const slow = await client(zk.ensemble.connectString, { sessionTimeoutMs: 6_000 });
 * });
 * ```
 */
export function useFaultClients(
  options: FaultClientOptions = {},
): (connectString: string, timeouts?: FaultClientTimeouts) => Promise<ZooKeeperClient> {
  const opened: ZooKeeperClient[] = [];
  const closeOpened = async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  };
  if (options.closeAfterEach) afterEach(closeOpened);
  afterAll(closeOpened);
  return async (connectString, timeouts = {}) => {
    const c = await connect(connectString, {
      sessionTimeoutMs: timeouts.sessionTimeoutMs ?? options.sessionTimeoutMs ?? 3_000,
      requestTimeoutMs: timeouts.requestTimeoutMs ?? options.requestTimeoutMs ?? 20_000,
    });
    opened.push(c);
    return c;
  };
}

/**
 * Resolves the next time `client` enters `state` (e.g. `suspended` once a cut link is noticed).
 * Subscribe before causing the fault.
 *
 * @example
 * ```ts
 * const suspended = nextState(client, 'suspended');
 * proxy.cut('server-to-client');
 * await suspended;
 * ```
 */
export function nextState(client: ZooKeeperClient, state: SessionState): Promise<void> {
  return new Promise((resolve) => {
    const sub = client.state$.subscribe((s) => {
      if (s === state) {
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      }
    });
  });
}

/**
 * The same client, except that its first `create` of a path containing `marker` loses its reply:
 * right after the request is handed to the connection, `cut()` runs (in the same tick, before
 * any reply can come back), typically `proxy.cut('server-to-client')` on the FaultProxy the
 * client is connected through. The server applies the create; the client hears nothing, goes
 * `suspended` and fails the request with a connection loss once it gives up on the link. Give
 * it to a recipe to see how it recovers a lost create reply.
 *
 * @example
 * ```ts
 * const proxy = ensemble.proxy(0);
 * const raw = await client(proxy.connectString, { sessionTimeoutMs: 4_000 });
 * const c = losingCreateReply(raw, '/leases/', () => proxy.cut('server-to-client'));
 * const lease = new Semaphore(c, path, { maxLeases: 2 }).acquire(); // its create's reply is lost
 * ```
 */
export function losingCreateReply(client: ZooKeeperClient, marker: string, cut: () => void): ZooKeeperClient {
  let armed = true;
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (prop !== 'create') return method.bind(target);
      return (path: string, ...rest: unknown[]) => {
        const sent = method.call(target, path, ...rest);
        if (armed && path.includes(marker)) {
          armed = false;
          cut();
        }
        return sent;
      };
    },
  });
}
