import { setTimeout as sleep } from 'node:timers/promises';
import { createBackend } from './create-backend.js';
import type { EnsembleOptions, ServerInfo, ServerStatus, WaitOptions } from './ensemble-types.js';
import { EnsembleTimeoutError, ServerExitedError, TestingKitError } from './errors.js';
import { FaultProxy } from './fault-proxy.js';
import { type FourLetterWord, type FourLetterWordOptions, fourLetterWord } from './four-letter-words.js';
import type { ServerBackend } from './server-backend.js';
import { readServerRole, type ServerRole } from './server-role.js';

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
 * import { connect } from 'zk-recipes';
 * import { Ensemble } from 'zk-recipes/testing';
 * await using ensemble = await Ensemble.start({ size: 3 });
 * const client = await connect(ensemble.proxiedConnectString);
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
  #partition: number[][] | undefined;
  readonly #peerFaults: boolean;

  private constructor(backend: ServerBackend, proxies: FaultProxy[], size: number, peerFaults: boolean) {
    this.#peerFaults = peerFaults;
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
      peerFaults: options.peerFaults ?? false,
    };
    // Ports are probed free, then bound by the JVMs a moment later; another process on the
    // machine may take one in between. Such a start is retried on fresh ports.
    for (let attempt = 1; ; attempt++) {
      const backend = await createBackend(options.backend, layout);
      const proxies: FaultProxy[] = [];
      const ensemble = new Ensemble(backend, proxies, size, layout.peerFaults);
      try {
        for (let i = 0; i < backend.count; i++) {
          const { host, port } = backend.address(i);
          proxies.push(await FaultProxy.start({ targetHost: host, targetPort: port }));
        }
        for (let i = 0; i < backend.count; i++) await backend.start(i);
        const timeoutMs = options.startTimeoutMs ?? 60_000;
        await ensemble.waitForQuorum({ timeoutMs, signal: options.signal });
        return ensemble;
      } catch (err) {
        const portTaken = Array.from({ length: backend.count }, (_, i) => backend.logs(i)).some((log) =>
          /BindException|Address already in use/.test(log),
        );
        await ensemble.close();
        if (!(portTaken && err instanceof ServerExitedError && attempt < 3)) throw err;
      }
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

  /**
   * Cuts server `index` off from every other server (it keeps its clients): the minority side of
   * a partition. Needs `peerFaults: true`. Undo with {@link Ensemble.healPartition}.
   *
   * @example
   * ```ts
   * await using ensemble = await Ensemble.start({ size: 3, peerFaults: true });
   * const old = (await ensemble.leader())!;
   * ensemble.isolate(old);                           // old leader loses its quorum
   * const next = await ensemble.waitForQuorum();     // the other two elect a new one
   * ensemble.healPartition();
   * ```
   */
  isolate(index: number): void {
    this.#check(index);
    this.partition([[index], this.servers.map((s) => s.index).filter((i) => i !== index)]);
  }

  /**
   * Splits the servers into groups that cannot reach each other; links inside a group work.
   * A server in no group is cut off from all. Needs `peerFaults: true`. Servers on each side
   * notice by their own timeouts (sync limit), as in a real partition.
   *
   * @example
   * ```ts
   * ensemble.partition([[0], [1, 2]]);
   * ```
   */
  partition(groups: readonly (readonly number[])[]): void {
    if (!this.#peerFaults) {
      throw new TestingKitError('server-to-server faults need an ensemble started with peerFaults: true');
    }
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => {
      for (const index of group) {
        this.#check(index);
        if (groupOf.has(index)) throw new RangeError(`server ${index} is in two groups`);
        groupOf.set(index, g);
      }
    });
    for (let a = 0; a < this.count; a++) {
      for (let b = a + 1; b < this.count; b++) {
        const linked = groupOf.has(a) && groupOf.get(a) === groupOf.get(b);
        this.#backend.setPeerLink(a, b, linked);
      }
    }
    const sides = groups.map((group) => [...group]);
    for (let i = 0; i < this.count; i++) if (!groupOf.has(i)) sides.push([i]);
    this.#partition = sides.length > 1 ? sides : undefined;
  }

  /** Restores every server-to-server link cut by {@link Ensemble.isolate} or {@link Ensemble.partition}. */
  healPartition(): void {
    this.partition([this.servers.map((s) => s.index)]);
  }

  /**
   * Undoes every fault: heals every client proxy and the server partition, thaws paused
   * servers, starts stopped ones, and waits for a full quorum. Lets the tests of one file share
   * a dedicated ensemble: call it in `afterEach`.
   *
   * @example
   * ```ts
   * afterEach(() => ensemble.heal({ timeoutMs: 60_000 }));
   * ```
   */
  async heal(options: WaitOptions = {}): Promise<void> {
    for (const proxy of this.#proxies) proxy.heal();
    if (this.#partition) this.healPartition();
    for (const server of this.servers) {
      if (server.state === 'paused') await this.resume(server.index);
      else if (server.state === 'stopped') await this.#backend.start(server.index);
    }
    await this.waitForQuorum(options);
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
   * leads, then resolves with the leader's index. Under a {@link Ensemble.partition}, only the
   * side with a majority of voters counts, and the servers cut off from it must have stopped
   * serving as members (they report `not-serving` or `read-only`). Rejects with
   * {@link EnsembleTimeoutError} when a majority is down or split.
   */
  async waitForQuorum(options: WaitOptions = {}): Promise<number> {
    let roles: ServerRole[] = [];
    let leader = -1;
    await this.#poll(
      options,
      async () => {
        roles = await Promise.all(this.servers.map((s) => this.role(s.index)));
        const running = this.servers.filter((s) => s.state === 'running').map((s) => s.index);
        // Under a partition only the side holding a majority of voters can have a quorum, and
        // the servers cut off from it must have noticed (stopped serving as members).
        const majority = this.#majoritySide();
        const inside = running.filter((i) => majority.has(i));
        const outside = running.filter((i) => !majority.has(i));
        const leaders = inside.filter((i) => roles[i] === 'leader' || roles[i] === 'standalone');
        leader = leaders.length === 1 ? (leaders[0] ?? -1) : -1;
        return (
          leader >= 0 &&
          inside.every((i) => SERVING.includes(roles[i] ?? 'down')) &&
          outside.every((i) => !SERVING.includes(roles[i] ?? 'down'))
        );
      },
      () => `a quorum (roles: ${roles.join(', ')})`,
    );
    return leader;
  }

  // Servers on the side of the current partition that holds a majority of the voters (all of
  // them when there is no partition; none when no side has a majority).
  #majoritySide(): Set<number> {
    const all = this.servers.map((s) => s.index);
    if (!this.#partition) return new Set(all);
    for (const group of this.#partition) {
      const voters = group.filter((i) => i < this.#size).length;
      if (voters > this.#size / 2) return new Set(group);
    }
    return new Set();
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
    return this.#backend.logs(index).split('\n').slice(-40).join('\n');
  }

  #check(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`no server with index ${index} (ensemble has ${this.count}, 0-based)`);
    }
    return index;
  }
}
