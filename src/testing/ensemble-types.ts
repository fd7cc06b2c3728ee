import type { ServerProcessState } from './server-backend.js';
import type { ServerRole } from './server-role.js';

/**
 * Options of {@link Ensemble.start}.
 *
 * @example
 * ```ts
 * const ensemble = await Ensemble.start({ size: 3, observers: 1, tickTimeMs: 200, serverConfig: { maxClientCnxns: '100' } });
 * ```
 */
export interface EnsembleOptions {
  /** Voting members: 1 (standalone), 3 or 5. Default 3. */
  size?: 1 | 3 | 5;
  /** Non-voting observers added after the voters (indexes `size`…). Default 0. */
  observers?: number;
  /** `'process'` (local JVMs) or `'docker'`. Default: process when Java and ZooKeeper are installed, else docker. */
  backend?: 'process' | 'docker';
  /** Extra zoo.cfg entries; they override the kit's defaults. */
  serverConfig?: Record<string, string>;
  /** ZooKeeper tick; the server grants session timeouts from 2 ticks (min 400 ms) to 60 s. Default 250. */
  tickTimeMs?: number;
  /** Extra JVM flags, appended to the lean defaults (`-Xmx256m -XX:+UseSerialGC …`). */
  jvmFlags?: string[];
  /**
   * Also open a TLS client port on every server (self-signed certificate for 127.0.0.1; see
   * {@link Ensemble.secureConnectString} and {@link Ensemble.tlsCaPem}). Process backend only.
   */
  secureClientPort?: boolean;
  /**
   * Route every server-to-server link (quorum and election ports) through fault proxies so that
   * {@link Ensemble.isolate} and {@link Ensemble.partition} can split the ensemble. Costs a relay
   * in this process on every replicated write; process backend only. Default false.
   */
  peerFaults?: boolean;
  /** How long to wait for the ensemble to serve. Default 60 000. */
  startTimeoutMs?: number;
  /** Abort start-up; everything started so far is torn down. */
  signal?: AbortSignal;
}

/**
 * Options of the waits ({@link Ensemble.waitForQuorum}, {@link Ensemble.waitForRole}, {@link Ensemble.restart}).
 *
 * @example
 * ```ts
 * await ensemble.waitForQuorum({ timeoutMs: 20_000, signal: AbortSignal.timeout(30_000) });
 * ```
 */
export interface WaitOptions {
  /** Default 30 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One server of an {@link Ensemble}, as the kit sees it (no network round trip).
 *
 * @example
 * ```ts
 * const pids = ensemble.servers.filter((s) => s.state === 'running').map((s) => s.pid);
 * ```
 */
export interface ServerInfo {
  /** Index in the ensemble (0-based), the argument of `stop(i)`, `kill(i)`… */
  index: number;
  /** ZooKeeper `myid` (index + 1). */
  id: number;
  host: string;
  /** Client port of the server itself. */
  port: number;
  /** Client port of the server's {@link FaultProxy}. */
  proxyPort: number;
  observer: boolean;
  state: ServerProcessState;
  /** OS process id (process backend, while running). */
  pid: number | undefined;
}

/**
 * A {@link ServerInfo} plus the role the server reports through `srvr`.
 *
 * @example
 * ```ts
 * const followers = (await ensemble.status()).filter((s) => s.role === 'follower');
 * ```
 */
export interface ServerStatus extends ServerInfo {
  role: ServerRole;
}
