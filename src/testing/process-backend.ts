import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupRegistry } from './cleanup-registry.js';
import { TestingKitError, ZooKeeperNotFoundError } from './errors.js';
import { freePort } from './free-port.js';
import type { EnsembleLayout, ServerAddress, ServerBackend, ServerProcessState } from './server-backend.js';
import { findZooKeeperInstall, type ZooKeeperInstall } from './zookeeper-install.js';
import { PeerMesh } from './peer-mesh.js';
import { createTlsMaterial } from './tls-material.js';
import { type ZooCfgPeer, zooCfg } from './zoo-cfg.js';

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 5_000;

/**
 * JVM flags lean enough for a 2-core machine running several servers.
 *
 * @example
 * ```ts
 * // extra flags are appended, so later ones win:
 * await Ensemble.start({ jvmFlags: ['-Xmx512m'] });
 * ```
 */
export const DEFAULT_JVM_FLAGS: readonly string[] = [
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:-UsePerfData',
];

const LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, CONSOLE',
  'log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender',
  'log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] %-5p [%t:%C{1}@%L] - %m%n',
  '',
].join('\n');

// Kills the servers and removes the directory if this Node process dies without cleaning up
// (SIGKILL, OOM): exit hooks cannot run then. It stops by itself once the directory is gone.
const WATCHDOG = [
  'while kill -0 "$1" 2>/dev/null; do [ -d "$2" ] || exit 0; sleep 1; done',
  'for c in $(cat "$2/pids" 2>/dev/null); do kill -CONT "$c"; kill -KILL "$c"; done 2>/dev/null',
  'rm -rf "$2"',
].join('\n');

interface ProcessServer {
  id: number;
  clientPort: number;
  secureClientPort: number | undefined;
  dir: string;
  cfgPath: string;
  logPath: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  paused: boolean;
  exitReason?: string;
}

/**
 * Runs each server of an ensemble as a local JVM from an installed ZooKeeper, on free loopback
 * ports, with a temp directory per ensemble (`zk-recipes-*` under the OS temp dir) holding
 * each server's data, zoo.cfg and log. Used by {@link Ensemble} when Java and ZooKeeper are
 * installed; rarely used directly.
 *
 * @example
 * ```ts
 * const backend = await ProcessBackend.create({ size: 3, observers: 0, tickTimeMs: 200, serverConfig: {}, jvmFlags: [] });
 * for (let i = 0; i < backend.count; i++) await backend.start(i);
 * await backend.close();
 * ```
 */
export class ProcessBackend implements ServerBackend {
  readonly kind = 'process';
  readonly #install: ZooKeeperInstall;
  readonly #baseDir: string;
  readonly #servers: ProcessServer[];
  readonly #jvmFlags: string[];
  readonly #mesh: PeerMesh | undefined;
  #closed = false;
  /** PEM certificate of the TLS client ports, when enabled. */
  readonly tlsCaPem: string | undefined;

  private constructor(
    install: ZooKeeperInstall,
    baseDir: string,
    servers: ProcessServer[],
    jvmFlags: string[],
    tlsCaPem: string | undefined,
    mesh: PeerMesh | undefined,
  ) {
    this.tlsCaPem = tlsCaPem;
    this.#mesh = mesh;
    this.#install = install;
    this.#baseDir = baseDir;
    this.#servers = servers;
    this.#jvmFlags = jvmFlags;
  }

  /** Allocates ports and writes every server's directory and zoo.cfg; starts nothing. */
  static async create(layout: EnsembleLayout, install = findZooKeeperInstall()): Promise<ProcessBackend> {
    if (!install) {
      throw new ZooKeeperNotFoundError(
        'no local ZooKeeper: set ZOOKEEPER_HOME or install Debian\'s "zookeeper" package (run scripts/ensure-zookeeper.mjs)',
      );
    }
    const count = layout.size + layout.observers;
    const ports: Array<{ client: number; quorum: number; election: number; secure: number | undefined }> = [];
    for (let i = 0; i < count; i++) {
      ports.push({
        client: await freePort(HOST),
        quorum: await freePort(HOST),
        election: await freePort(HOST),
        secure: layout.secureClientPort ? await freePort(HOST) : undefined,
      });
    }
    const baseDir = mkdtempSync(join(tmpdir(), 'zk-recipes-'));
    cleanupRegistry.trackDirectory(baseDir);
    writeFileSync(join(baseDir, 'log4j.properties'), LOG4J_PROPERTIES);
    writeFileSync(join(baseDir, 'pids'), '');
    const tls = layout.secureClientPort
      ? createTlsMaterial(join(baseDir, 'tls'), install.javaPath)
      : undefined;
    const tlsConfig: Record<string, string> = tls
      ? {
          'ssl.keyStore.location': tls.keyStorePath,
          'ssl.keyStore.password': tls.keyStorePassword,
          'ssl.keyStore.type': 'PKCS12',
          'ssl.clientAuth': 'none',
        }
      : {};
    const mesh =
      layout.peerFaults && count > 1
        ? await PeerMesh.create(
            HOST,
            ports.map((p) => ({ quorum: p.quorum, election: p.election })),
          )
        : undefined;
    // What server `self` lists for every member: its own real ports, the mesh's for the others.
    const peersOf = (self: number): ZooCfgPeer[] =>
      ports.map((p, i) => {
        const via = mesh && i !== self ? mesh.ports(self, i) : { quorum: p.quorum, election: p.election };
        return {
          id: i + 1,
          host: HOST,
          quorumPort: via.quorum,
          electionPort: via.election,
          observer: i >= layout.size,
        };
      });
    const servers = ports.map((p, i): ProcessServer => {
      const id = i + 1;
      const dir = join(baseDir, `server-${id}`);
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'data', 'myid'), `${id}\n`);
      const cfgPath = join(dir, 'zoo.cfg');
      const cfg = zooCfg({
        id,
        dataDir: join(dir, 'data'),
        clientHost: HOST,
        clientPort: p.client,
        tickTimeMs: layout.tickTimeMs,
        peers: count > 1 ? peersOf(i) : [],
        extra: {
          ...(p.secure ? { secureClientPort: String(p.secure), secureClientPortAddress: HOST } : {}),
          ...tlsConfig,
          ...layout.serverConfig,
        },
      });
      writeFileSync(cfgPath, cfg);
      return {
        id,
        clientPort: p.client,
        secureClientPort: p.secure,
        dir,
        cfgPath,
        logPath: join(dir, 'server.log'),
        paused: false,
      };
    });
    const netty = tls
      ? ['-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory']
      : [];
    const jvmFlags = [...DEFAULT_JVM_FLAGS, ...netty, ...layout.jvmFlags];
    const backend = new ProcessBackend(install, baseDir, servers, jvmFlags, tls?.caPem, mesh);
    spawn('sh', ['-c', WATCHDOG, 'zk-recipes-watchdog', String(process.pid), baseDir], {
      detached: true,
      stdio: 'ignore',
    }).unref();
    return backend;
  }

  get count(): number {
    return this.#servers.length;
  }

  /** The temp directory holding every server's data, config and log. */
  get workDir(): string {
    return this.#baseDir;
  }

  address(index: number): ServerAddress {
    return { host: HOST, port: this.#server(index).clientPort };
  }

  secureAddress(index: number): ServerAddress | undefined {
    const port = this.#server(index).secureClientPort;
    return port ? { host: HOST, port } : undefined;
  }

  state(index: number): ServerProcessState {
    const server = this.#server(index);
    if (!server.child) return 'stopped';
    return server.paused ? 'paused' : 'running';
  }

  pid(index: number): number | undefined {
    return this.#server(index).child?.pid;
  }

  exitReason(index: number): string | undefined {
    return this.#server(index).exitReason;
  }

  logs(index: number): string {
    try {
      return readFileSync(this.#server(index).logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async start(index: number): Promise<void> {
    const server = this.#server(index);
    if (this.#closed) throw new Error('backend is closed');
    if (server.child) return;
    const logFd = openSync(server.logPath, 'a');
    const args = [
      ...this.#jvmFlags,
      '-Dzookeeper.extendedTypesEnabled=true',
      '-Dreadonlymode.enabled=true',
      '-Dzookeeper.admin.enableServer=false',
      '-Dzookeeper.4lw.commands.whitelist=*',
      '-Dznode.container.checkIntervalMs=1000',
      // The election listener exits the JVM (code 14) after 3 errors in a row (1 s apart) by
      // default; a fault-injecting ensemble resets peer connections on purpose, so allow 10. Not
      // unlimited: a port taken at start must still end the server (Ensemble.start retries then).
      '-Dzookeeper.electionPortBindRetry=10',
      `-Dlog4j.configuration=file:${join(this.#baseDir, 'log4j.properties')}`,
      '-Dzookeeper.console.threshold=INFO',
      '-cp',
      this.#install.classpath.join(':'),
      'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      server.cfgPath,
    ];
    const child = spawn(this.#install.javaPath, args, { cwd: server.dir, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) {
      throw await new Promise<Error>((resolve) => child.once('error', resolve));
    }
    child.unref();
    cleanupRegistry.trackProcess(pid);
    server.child = child;
    server.paused = false;
    server.exitReason = undefined;
    server.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        cleanupRegistry.untrackProcess(pid);
        if (server.child === child) {
          server.child = undefined;
          server.paused = false;
          server.exitReason = signal ? `killed by ${signal}` : `exited with code ${code}`;
          this.#writePids();
        }
        resolve();
      });
    });
    this.#writePids();
  }

  async stop(index: number): Promise<void> {
    await this.#terminate(index, 'SIGTERM');
  }

  async kill(index: number): Promise<void> {
    await this.#terminate(index, 'SIGKILL');
  }

  async pause(index: number): Promise<void> {
    const server = this.#server(index);
    if (!server.child?.pid) throw new Error(`server ${index} is not running`);
    process.kill(server.child.pid, 'SIGSTOP');
    server.paused = true;
  }

  async resume(index: number): Promise<void> {
    const server = this.#server(index);
    if (!server.child?.pid) throw new Error(`server ${index} is not running`);
    process.kill(server.child.pid, 'SIGCONT');
    server.paused = false;
  }

  setPeerLink(a: number, b: number, linked: boolean): void {
    this.#server(a);
    this.#server(b);
    if (!this.#mesh) {
      throw new TestingKitError('server-to-server faults need an ensemble started with peerFaults: true');
    }
    if (a !== b) this.#mesh.setLinked(a, b, linked);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#servers.map((_, i) => this.#terminate(i, 'SIGKILL')));
    await this.#mesh?.close();
    if (process.env.ZK_TESTING_KEEP_DIRS !== '1') {
      rmSync(this.#baseDir, { recursive: true, force: true });
    }
    cleanupRegistry.untrackDirectory(this.#baseDir);
  }

  async #terminate(index: number, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const server = this.#server(index);
    const { child, exited } = server;
    if (!child?.pid || !exited) return;
    const pid = child.pid;
    const send = (sig: NodeJS.Signals): void => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    if (server.paused) send('SIGCONT');
    send(signal);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
    });
    if ((await Promise.race([exited, grace])) === 'timeout') {
      send('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }

  #writePids(): void {
    const pids = this.#servers.flatMap((s) => (s.child?.pid ? [s.child.pid] : []));
    try {
      writeFileSync(join(this.#baseDir, 'pids'), pids.join('\n'));
    } catch {
      // directory already removed during close
    }
  }

  #server(index: number): ProcessServer {
    const server = this.#servers[index];
    if (!server) throw new RangeError(`no server with index ${index} (ensemble has ${this.#servers.length})`);
    return server;
  }
}
