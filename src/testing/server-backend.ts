/**
 * Where one server of an ensemble listens.
 *
 * @example
 * ```ts
 * const { host, port } = ensemble.servers[0]!;
 * ```
 */
export interface ServerAddress {
  host: string;
  /** Client port, reachable from this process. */
  port: number;
}

/**
 * How a backend sees one server: running, paused (frozen), or not running.
 *
 * @example
 * ```ts
 * if (ensemble.servers[1]!.state === 'paused') await ensemble.resume(1);
 * ```
 */
export type ServerProcessState = 'running' | 'paused' | 'stopped';

/**
 * The shape of an ensemble every backend builds: voters, observers and their settings.
 *
 * @example
 * ```ts
 * const layout: EnsembleLayout = { size: 3, observers: 0, tickTimeMs: 250, serverConfig: {}, jvmFlags: [],
 *   secureClientPort: false, peerFaults: false };
 * const backend = await ProcessBackend.create(layout);
 * ```
 */
export interface EnsembleLayout {
  /** Voting members. */
  size: number;
  /** Non-voting observers, appended after the voters. */
  observers: number;
  tickTimeMs: number;
  /** Extra zoo.cfg entries (they win over the kit's defaults). */
  serverConfig: Record<string, string>;
  /** Extra JVM flags (process backend) or `JVMFLAGS` (docker backend). */
  jvmFlags: string[];
  /** Also open a TLS client port on every server (process backend only). */
  secureClientPort: boolean;
  /** Route server-to-server links through fault proxies (process backend only). */
  peerFaults: boolean;
}

/**
 * What the {@link Ensemble} needs from a way of running ZooKeeper servers (local JVMs or
 * containers). Servers are addressed by index, 0-based; server index `i` has `myid` `i + 1`.
 * Implemented by {@link ProcessBackend} and {@link DockerBackend}.
 *
 * @example
 * ```ts
 * const backend: ServerBackend = await ProcessBackend.create(layout);
 * await backend.start(0);
 * console.log(backend.address(0), backend.state(0));
 * ```
 */
export interface ServerBackend {
  readonly kind: 'process' | 'docker';
  readonly count: number;
  /** Local directory holding the servers' data and logs (process backend only). */
  readonly workDir: string | undefined;
  address(index: number): ServerAddress;
  /** The TLS client port, when the ensemble was started with `secureClientPort`. */
  secureAddress(index: number): ServerAddress | undefined;
  /** PEM certificate the TLS ports present (self-signed; trust it as a CA). */
  readonly tlsCaPem: string | undefined;
  state(index: number): ServerProcessState;
  pid(index: number): number | undefined;
  /** Starts a stopped server; resolves once it was launched (not yet serving). */
  start(index: number): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period); resolves when it is gone. */
  stop(index: number): Promise<void>;
  /** SIGKILL; resolves when it is gone. */
  kill(index: number): Promise<void>;
  pause(index: number): Promise<void>;
  resume(index: number): Promise<void>;
  /** Cuts or restores the links between two servers (needs `peerFaults`). */
  setPeerLink(a: number, b: number, linked: boolean): void;
  /** Why the server exited, if it exited by itself since its last start. */
  exitReason(index: number): string | undefined;
  logs(index: number): string;
  close(): Promise<void>;
}
