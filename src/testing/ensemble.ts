import { setTimeout as sleep } from 'node:timers/promises';
import {
  EnsembleTimeoutError,
  ServerExitedError,
  TestingKitError,
  ZooKeeperNotFoundError,
} from './errors.js';
import { FaultProxy } from './fault-proxy.js';
import { type FourLetterWord, type FourLetterWordOptions, fourLetterWord } from './four-letter-words.js';
import { ProcessBackend } from './process-backend.js';
import type { EnsembleLayout, ServerBackend, ServerProcessState } from './server-backend.js';
import { readServerRole, type ServerRole } from './server-role.js';
import { findZooKeeperInstall, isDockerAvailable } from './zookeeper-install.js';

/** Options of {@link Ensemble.start}. */
export interface EnsembleOptions {
  /** Voting members: 1 (standalone), 3 or 5. Default 3. */
  size?: 1 | 3 | 5;
  /** Non-voting observers added after the voters (indexes `size`…). Default 0. */
  observers?: number;
  /** `'process'` (local JVMs) or `'docker'`. Default: process when Java and ZooKeeper are installed, else docker. */
  backend?: 'process' | 'docker';
  /** Extra zoo.cfg entries; they override the kit's defaults. */
  serverConfig?: Record<string, string>;
  /** ZooKeeper tick; session timeouts are 2–20 ticks long. Default 250. */
  tickTimeMs?: number;
  /** Extra JVM flags, appended to the lean defaults (`-Xmx256m -XX:+UseSerialGC …`). */
  jvmFlags?: string[];
  /**
   * Also open a TLS client port on every server (self-signed certificate for 127.0.0.1; see
   * {@link Ensemble.secureConnectString} and {@link Ensemble.tlsCaPem}). Process backend only.
   */
  secureClientPort?: boolean;
  /** How long to wait for the ensemble to serve. Default 60 000. */
  startTimeoutMs?: number;
  /** Abort start-up; everything started so far is torn down. */
  signal?: AbortSignal;
}

/** Options of the waits ({@link Ensemble.waitForQuorum}, {@link Ensemble.waitForRole}, {@link Ensemble.restart}). */
export interface WaitOptions {
  /** Default 30 000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One server of an {@link Ensemble}, as the kit sees it (no network round trip). */
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

/** A {@link ServerInfo} plus the role the server reports through `srvr`. */
export interface ServerStatus extends ServerInfo {
  role: ServerRole;
}

const SERVING: readonly ServerRole[] = ['leader', 'follower', 'observer', 'standalone'];
const POLL_MS = 100;

/**
 * A real ZooKeeper ensemble for tests (like Curator's `TestingCluster` or kazoo's harness):
 * 1, 3 or 5 voters plus observers, as local JVMs (default) or Docker containers, each behind a
 * {@link FaultProxy}. Servers can be stopped, killed, restarted and frozen; everything is torn
 * down by `close()`, and also when the Node process exits or is interrupted.
 *
 * Servers are addressed by index, 0-based (`myid` is index + 1).
 *
 * @example
 * ```ts
 * import { Ensemble } from 'zk-recipes/testing';
 * await using ensemble = await Ensemble.start({ size: 3 });
 * const client = await ZooKeeperClient.connect(ensemble.proxiedConnectString);
 * const leader = await ensemble.leader();
 * await ensemble.kill(leader);                 // SIGKILL
 * await ensemble.waitForQuorum();              // the other two elected a new leader
 * await ensemble.restart(leader);              // back as a follower
 * ```
 */
export class Ensemble {
  readonly #backend: ServerBackend;
  readonly #proxies: FaultProxy[];
  readonly #size: number;
  #closing: Promise<void> | undefined;

  private constructor(backend: ServerBackend, proxies: FaultProxy[], size: number) {
    this.#backend = backend;
    this.#proxies = proxies;
    this.#size = size;
  }

  /**
   * Starts every server and resolves once they all serve and one leads (or the single server
   * runs standalone). On failure everything started is torn down and the error carries the
   * tail of the failing server's log.
   *
   * @example
   * ```ts
   * const ensemble = await Ensemble.start({ size: 3, tickTimeMs: 200, observers: 1 });
   * try { … } finally { await ensemble.close(); }
   * ```
   */
  static async start(options: EnsembleOptions = {}): Promise<Ensemble> {
    const size = options.size ?? 3;
    const observers = options.observers ?? 0;
    if (![1, 3, 5].includes(size)) throw new RangeError(`size must be 1, 3 or 5, got ${size}`);
    if (!Number.isInteger(observers) || observers < 0 || observers > 5) {
      throw new RangeError(`observers must be an integer from 0 to 5, got ${observers}`);
    }
    if (size === 1 && observers > 0)
      throw new RangeError('a standalone server (size 1) cannot have observers');
    const tickTimeMs = options.tickTimeMs ?? 250;
    if (!Number.isInteger(tickTimeMs) || tickTimeMs < 50 || tickTimeMs > 10_000) {
      throw new RangeError(`tickTimeMs must be an integer from 50 to 10000, got ${tickTimeMs}`);
    }
    options.signal?.throwIfAborted();
    const layout = {
      size,
      observers,
      tickTimeMs,
      serverConfig: options.serverConfig ?? {},
      jvmFlags: options.jvmFlags ?? [],
      secureClientPort: options.secureClientPort ?? false,
    };
    const backend = await createBackend(options.backend, layout);
    const proxies: FaultProxy[] = [];
    const ensemble = new Ensemble(backend, proxies, size);
    try {
      for (let i = 0; i < backend.count; i++) {
        const { host, port } = backend.address(i);
        proxies.push(await FaultProxy.start({ targetHost: host, targetPort: port }));
      }
      for (let i = 0; i < backend.count; i++) await backend.start(i);
      await ensemble.waitForQuorum({ timeoutMs: options.startTimeoutMs ?? 60_000, signal: options.signal });
      return ensemble;
    } catch (err) {
      await ensemble.close();
      throw err;
    }
  }

  /** Which backend runs the servers. */
  get backend(): 'process' | 'docker' {
    return this.#backend.kind;
  }

  /**
   * The temp directory (`zk-recipes-*`) holding every server's data, zoo.cfg and log with the
   * process backend; removed by `close()` unless `ZK_TESTING_KEEP_DIRS=1`. `undefined` with docker.
   */
  get workDir(): string | undefined {
    return this.#backend.workDir;
  }

  /** Number of servers (voters and observers). */
  get count(): number {
    return this.#backend.count;
  }

  /** `host:port,…` of every server, directly. */
  get connectString(): string {
    return this.servers.map((s) => `${s.host}:${s.port}`).join(',');
  }

  /**
   * `host:port,…` of every server's TLS client port, or `undefined` unless started with
   * `secureClientPort: true`. The servers present a self-signed certificate: trust {@link Ensemble.tlsCaPem}.
   *
   * @example
   * ```ts
   * await using ensemble = await Ensemble.start({ size: 1, secureClientPort: true });
   * const client = await connect(ensemble.secureConnectString!, { tls: { ca: ensemble.tlsCaPem } });
   * ```
   */
  get secureConnectString(): string | undefined {
    const addresses = this.servers.map((s) => this.#backend.secureAddress(s.index));
    if (addresses.some((a) => a === undefined)) return undefined;
    return addresses.map((a) => `${a!.host}:${a!.port}`).join(',');
  }

  /** PEM certificate of the TLS client ports (self-signed, valid for 127.0.0.1 and localhost). */
  get tlsCaPem(): string | undefined {
    return this.#backend.tlsCaPem;
  }

  /** `host:port,…` of every server's {@link FaultProxy}: use it when a test injects network faults. */
  get proxiedConnectString(): string {
    return this.#proxies.map((p) => p.connectString).join(',');
  }

  /** Every server's address and process state (no network round trip; see {@link Ensemble.status}). */
  get servers(): ServerInfo[] {
    return Array.from({ length: this.count }, (_, index) => {
      const { host, port } = this.#backend.address(index);
      return {
        index,
        id: index + 1,
        host,
        port,
        proxyPort: this.#proxies[index]?.port ?? 0,
        observer: index >= this.#size,
        state: this.#backend.state(index),
        pid: this.#backend.pid(index),
      };
    });
  }

  /** The fault proxies, by server index. */
  get proxies(): readonly FaultProxy[] {
    return this.#proxies;
  }

  /** The fault proxy in front of server `index`. */
  proxy(index: number): FaultProxy {
    const proxy = this.#proxies[this.#check(index)];
    if (!proxy) throw new TestingKitError(`no proxy for server ${index}`);
    return proxy;
  }

  /** Every server with the role it reports now (`'down'` when stopped, paused or cut off). */
  async status(): Promise<ServerStatus[]> {
    return Promise.all(this.servers.map(async (s) => ({ ...s, role: await this.role(s.index) })));
  }

  /** The role server `index` reports through `srvr`; `'down'` when it does not answer within 1 s. */
  async role(index: number): Promise<ServerRole> {
    this.#check(index);
    if (this.#backend.state(index) !== 'running') return 'down';
    const { host, port } = this.#backend.address(index);
    return readServerRole(host, port);
  }

  /** Index of the current leader (or of the standalone server); `undefined` when there is none. */
  async leader(): Promise<number | undefined> {
    const roles = await Promise.all(this.servers.map((s) => this.role(s.index)));
    const index = roles.findIndex((r) => r === 'leader' || r === 'standalone');
    return index >= 0 ? index : undefined;
  }

  /**
   * Sends a four-letter word to server `index` directly (not through its proxy).
   *
   * @example
   * ```ts
   * const mntr = await ensemble.fourLetterWord(0, 'mntr');
   * const watches = await ensemble.fourLetterWord(0, 'wchc');
   * ```
   */
  async fourLetterWord(
    index: number,
    word: FourLetterWord,
    options?: FourLetterWordOptions,
  ): Promise<string> {
    const { host, port } = this.#backend.address(this.#check(index));
    return fourLetterWord(host, port, word, options);
  }

  /** Stops server `index` gracefully (SIGTERM); resolves when its process is gone. */
  async stop(index: number): Promise<void> {
    await this.#backend.stop(this.#check(index));
  }

  /** Kills server `index` with SIGKILL (a crash); resolves when its process is gone. */
  async kill(index: number): Promise<void> {
    await this.#backend.kill(this.#check(index));
  }

  /**
   * Starts a stopped or killed server again and waits until it serves (it rejoined the quorum
   * as follower, observer or leader; standalone for size 1).
   */
  async start(index: number, options: WaitOptions = {}): Promise<void> {
    await this.#backend.start(this.#check(index));
    await this.waitForRole(index, SERVING, options);
  }

  /** Stops (gracefully, or with SIGKILL when `kill` is set) and starts server `index`, waiting until it serves again. */
  async restart(index: number, options: WaitOptions & { kill?: boolean } = {}): Promise<void> {
    if (options.kill) await this.kill(index);
    else await this.stop(index);
    await this.start(index, options);
  }

  /** Freezes server `index` (SIGSTOP): it keeps its sockets open but answers nothing. */
  async pause(index: number): Promise<void> {
    await this.#backend.pause(this.#check(index));
  }

  /** Thaws a server frozen by {@link Ensemble.pause} (SIGCONT). */
  async resume(index: number): Promise<void> {
    await this.#backend.resume(this.#check(index));
  }

  /**
   * Waits until server `index` reports one of `roles`.
   *
   * @example
   * ```ts
   * await ensemble.waitForRole(2, 'follower', { timeoutMs: 10_000 });
   * await ensemble.waitForRole(0, ['leader', 'follower']);
   * ```
   */
  async waitForRole(
    index: number,
    roles: ServerRole | readonly ServerRole[],
    options: WaitOptions = {},
  ): Promise<ServerRole> {
    const wanted: readonly ServerRole[] = typeof roles === 'string' ? [roles] : roles;
    let last: ServerRole = 'down';
    await this.#poll(
      options,
      async () => {
        last = await this.role(index);
        return wanted.includes(last);
      },
      () => `server ${index} to be ${wanted.join(' or ')} (last seen: ${last})`,
      [index],
    );
    return last;
  }

  /**
   * Waits until every running (not stopped, not paused) server serves and exactly one of them
   * leads, then resolves with the leader's index. Rejects with {@link EnsembleTimeoutError}
   * when a majority is down.
   */
  async waitForQuorum(options: WaitOptions = {}): Promise<number> {
    let roles: ServerRole[] = [];
    let leader = -1;
    await this.#poll(
      options,
      async () => {
        roles = await Promise.all(this.servers.map((s) => this.role(s.index)));
        const running = this.servers.filter((s) => s.state === 'running').map((s) => s.index);
        const leaders = roles.flatMap((r, i) => (r === 'leader' || r === 'standalone' ? [i] : []));
        leader = leaders.length === 1 ? (leaders[0] ?? -1) : -1;
        return leader >= 0 && running.every((i) => SERVING.includes(roles[i] ?? 'down'));
      },
      () => `a quorum (roles: ${roles.join(', ')})`,
    );
    return leader;
  }

  /** The server's log (stdout and stderr of its JVM or container) so far. */
  logs(index: number): string {
    return this.#backend.logs(this.#check(index));
  }

  /** Stops every server and proxy and removes every temp directory. Idempotent; concurrent calls share one close. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all(this.#proxies.map((p) => p.close()));
      await this.#backend.close();
    })();
    await this.#closing;
  }

  /** Same as {@link Ensemble.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #poll(
    options: WaitOptions,
    done: () => Promise<boolean>,
    describe: () => string,
    watched: number[] = Array.from({ length: this.count }, (_, i) => i),
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      options.signal?.throwIfAborted();
      if (this.#closing) throw new TestingKitError('ensemble is closed');
      if (await done()) return;
      for (const i of watched) {
        const reason = this.#backend.exitReason(i);
        if (reason && this.#backend.state(i) === 'stopped' && this.#backend.pid(i) === undefined) {
          if (reason.startsWith('exited')) {
            throw new ServerExitedError(
              `server ${i} ${reason} while waiting for ${describe()}\n${this.#tail(i)}`,
            );
          }
        }
      }
      if (Date.now() >= deadline) {
        const tails = watched.map((i) => `--- server ${i} ---\n${this.#tail(i)}`).join('\n');
        throw new EnsembleTimeoutError(`timed out after ${timeoutMs} ms waiting for ${describe()}\n${tails}`);
      }
      await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => {
        throw options.signal?.reason;
      });
    }
  }

  #tail(index: number): string {
    return this.#backend.logs(index).split('\n').slice(-15).join('\n');
  }

  #check(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`no server with index ${index} (ensemble has ${this.count}, 0-based)`);
    }
    return index;
  }
}

async function createBackend(
  kind: 'process' | 'docker' | undefined,
  layout: EnsembleLayout,
): Promise<ServerBackend> {
  if (kind === 'process') return ProcessBackend.create(layout);
  const install = kind === 'docker' ? undefined : findZooKeeperInstall();
  if (install) return ProcessBackend.create(layout, install);
  if (kind === 'docker' || isDockerAvailable()) {
    const { DockerBackend } = await import('./docker-backend.js');
    return DockerBackend.create(layout);
  }
  throw new ZooKeeperNotFoundError(
    'no ZooKeeper found: set ZOOKEEPER_HOME, install Debian\'s "zookeeper" package, or run a Docker engine',
  );
}
