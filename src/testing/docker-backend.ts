import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { TestingKitError, ZooKeeperNotFoundError } from './errors.js';
import { freePort } from './free-port.js';
import type { EnsembleLayout, ServerAddress, ServerBackend, ServerProcessState } from './server-backend.js';

const run = promisify(execFile);

/**
 * The official image the docker backend runs (override with `ZK_DOCKER_IMAGE`).
 *
 * @example
 * ```ts
 * // ZK_DOCKER_IMAGE=zookeeper:3.9 npm test   runs the docker backend on another version
 * console.log(process.env.ZK_DOCKER_IMAGE ?? DEFAULT_ZOOKEEPER_IMAGE);
 * ```
 */
export const DEFAULT_ZOOKEEPER_IMAGE = 'zookeeper:3.8';

interface DockerServer {
  id: number;
  /** Where this process reaches the container's client port (the Docker host). */
  host: string;
  hostPort: number;
  containerId: string;
  state: ServerProcessState;
}

interface StartedContainerLike {
  getId(): string;
  getHost(): string;
  stop(options?: { timeout?: number; remove?: boolean }): Promise<unknown>;
}

interface StartedNetworkLike {
  stop(): Promise<unknown>;
}

/**
 * Runs each server of an ensemble as a container of the official `zookeeper` image on a
 * private Docker network, through testcontainers (an optional dependency; its reaper removes the
 * containers if this process dies). Each client port is bound to a fixed free host port, so it
 * stays the same across restarts. Stop, kill, pause and resume map to `docker stop`, `docker
 * kill`, `docker pause` and `docker unpause`. Used by {@link Ensemble} with `backend: 'docker'`
 * or when no local ZooKeeper is installed.
 *
 * @example
 * ```ts
 * await using ensemble = await Ensemble.start({ size: 3, backend: 'docker' });
 * ```
 */
export class DockerBackend implements ServerBackend {
  readonly kind = 'docker';
  readonly workDir = undefined;
  readonly tlsCaPem = undefined;
  readonly #servers: DockerServer[];
  readonly #containers: StartedContainerLike[];
  readonly #network: StartedNetworkLike;
  #closed = false;

  private constructor(
    servers: DockerServer[],
    containers: StartedContainerLike[],
    network: StartedNetworkLike,
  ) {
    this.#servers = servers;
    this.#containers = containers;
    this.#network = network;
  }

  /** Creates the network and starts every container (the servers then elect a leader by themselves). */
  static async create(layout: EnsembleLayout): Promise<DockerBackend> {
    if (layout.secureClientPort || layout.peerFaults) {
      throw new TestingKitError('secureClientPort and peerFaults are supported by the process backend only');
    }
    let tc: typeof import('testcontainers');
    try {
      tc = await import('testcontainers');
    } catch {
      throw new ZooKeeperNotFoundError('the docker backend needs the optional dependency "testcontainers"');
    }
    const image = process.env.ZK_DOCKER_IMAGE ?? DEFAULT_ZOOKEEPER_IMAGE;
    const count = layout.size + layout.observers;
    const network = await new tc.Network().start();
    const servers: DockerServer[] = [];
    const containers: StartedContainerLike[] = [];
    try {
      const serverLines = Array.from({ length: count }, (_, i) => {
        const observer = i >= layout.size ? ':observer' : '';
        return `server.${i + 1}=zk${i + 1}:2888:3888${observer};2181`;
      }).join(' ');
      for (let i = 0; i < count; i++) {
        const id = i + 1;
        const hostPort = await freePort();
        const extra = {
          extendedTypesEnabled: 'true',
          quorumListenOnAllIPs: 'true',
          forceSync: 'no',
          ...(i >= layout.size ? { peerType: 'observer' } : {}),
          ...layout.serverConfig,
        };
        const jvmFlags = [
          '-Xmx256m',
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1',
          '-Dzookeeper.extendedTypesEnabled=true',
          '-Dreadonlymode.enabled=true',
          '-Dznode.container.checkIntervalMs=1000',
          ...layout.jvmFlags,
        ];
        const container = await new tc.GenericContainer(image)
          .withNetwork(network)
          .withNetworkAliases(`zk${id}`)
          .withExposedPorts({ container: 2181, host: hostPort })
          .withEnvironment({
            ZOO_MY_ID: String(id),
            ZOO_TICK_TIME: String(layout.tickTimeMs),
            ZOO_INIT_LIMIT: '20',
            ZOO_SYNC_LIMIT: '10',
            ZOO_4LW_COMMANDS_WHITELIST: '*',
            ZOO_ADMINSERVER_ENABLED: 'false',
            ZOO_STANDALONE_ENABLED: count === 1 ? 'true' : 'false',
            ...(count > 1 ? { ZOO_SERVERS: serverLines } : {}),
            ZOO_CFG_EXTRA: Object.entries(extra)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
            JVMFLAGS: jvmFlags.join(' '),
          })
          .start();
        containers.push(container);
        servers.push({
          id,
          host: container.getHost(),
          hostPort,
          containerId: container.getId(),
          state: 'running',
        });
      }
    } catch (err) {
      await Promise.allSettled(containers.map((c) => c.stop({ timeout: 0, remove: true })));
      await network.stop().catch(() => undefined);
      throw err;
    }
    return new DockerBackend(servers, containers, network);
  }

  get count(): number {
    return this.#servers.length;
  }

  address(index: number): ServerAddress {
    const server = this.#server(index);
    return { host: server.host, port: server.hostPort };
  }

  setPeerLink(): void {
    throw new TestingKitError('server-to-server faults are supported by the process backend only');
  }

  secureAddress(): ServerAddress | undefined {
    return undefined;
  }

  state(index: number): ServerProcessState {
    return this.#server(index).state;
  }

  pid(): number | undefined {
    return undefined;
  }

  exitReason(): string | undefined {
    return undefined;
  }

  logs(index: number): string {
    try {
      return execFileSync('docker', ['logs', this.#server(index).containerId], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch {
      return '';
    }
  }

  async start(index: number): Promise<void> {
    const server = this.#server(index);
    if (server.state !== 'stopped') return;
    await run('docker', ['start', server.containerId]);
    server.state = 'running';
  }

  async stop(index: number): Promise<void> {
    await this.#docker(index, ['stop', '-t', '5'], 'stopped');
  }

  async kill(index: number): Promise<void> {
    await this.#docker(index, ['kill'], 'stopped');
  }

  async pause(index: number): Promise<void> {
    await this.#docker(index, ['pause'], 'paused');
  }

  async resume(index: number): Promise<void> {
    await this.#docker(index, ['unpause'], 'running');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const server of this.#servers) {
      if (server.state === 'paused')
        await run('docker', ['unpause', server.containerId]).catch(() => undefined);
    }
    await Promise.allSettled(this.#containers.map((c) => c.stop({ timeout: 0, remove: true })));
    await this.#network.stop().catch(() => undefined);
  }

  async #docker(index: number, args: string[], next: ServerProcessState): Promise<void> {
    const server = this.#server(index);
    if (server.state === 'stopped') return;
    if (next === 'stopped' && server.state === 'paused') await run('docker', ['unpause', server.containerId]);
    await run('docker', [...args, server.containerId]);
    server.state = next;
  }

  #server(index: number): DockerServer {
    const server = this.#servers[index];
    if (!server) throw new RangeError(`no server with index ${index} (ensemble has ${this.#servers.length})`);
    return server;
  }
}
