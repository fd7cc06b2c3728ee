import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * A local ZooKeeper installation the process backend can start servers from.
 *
 * @example
 * ```ts
 * const install = findZooKeeperInstall();
 * if (install) console.log(install.source, install.javaPath);
 * ```
 */
export interface ZooKeeperInstall {
  /** Where it was found. */
  source: 'ZOOKEEPER_HOME' | 'debian';
  /** The `java` executable (from `JAVA_HOME`, else `PATH`). */
  javaPath: string;
  /** Classpath entries: ZooKeeper, its dependencies, a logging binding and config dir if any. */
  classpath: string[];
  /** The logging backend the classpath carries, so the kit can route server logs to a file. */
  logging: 'log4j' | 'logback' | 'none';
}

const DEBIAN_JAR = '/usr/share/java/zookeeper.jar';
const DEBIAN_LOG_JARS = ['/usr/share/java/slf4j-log4j12.jar', '/usr/share/java/log4j-1.2.jar'];
// The Debian jar's manifest misses these; the Netty connection factory (TLS ports) needs them.
const DEBIAN_NETTY_JARS = [
  '/usr/share/java/netty-codec.jar',
  '/usr/share/java/netty-resolver.jar',
  '/usr/share/java/netty-transport-native-unix-common.jar',
];

function findJava(env: NodeJS.ProcessEnv): string | undefined {
  const candidates: string[] = [];
  if (env.JAVA_HOME) candidates.push(join(env.JAVA_HOME, 'bin', 'java'));
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'java'));
  return candidates.find((path) => existsSync(path));
}

function jarsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jar'))
    .map((name) => join(dir, name));
}

function fromHome(home: string): Omit<ZooKeeperInstall, 'javaPath'> | undefined {
  const jars = [...jarsIn(home), ...jarsIn(join(home, 'lib'))];
  if (!jars.some((jar) => /zookeeper-\d|zookeeper\.jar$/.test(jar))) return undefined;
  const logging = jars.some((jar) => jar.includes('logback-classic'))
    ? 'logback'
    : jars.some((jar) => jar.includes('slf4j-log4j12'))
      ? 'log4j'
      : 'none';
  return { source: 'ZOOKEEPER_HOME', classpath: [...jars, join(home, 'conf')], logging };
}

function fromDebian(): Omit<ZooKeeperInstall, 'javaPath'> | undefined {
  if (!existsSync(DEBIAN_JAR)) return undefined;
  const logJars = DEBIAN_LOG_JARS.every((jar) => existsSync(jar)) ? DEBIAN_LOG_JARS : [];
  // The Debian jar carries the rest of its classpath in its manifest.
  return {
    source: 'debian',
    classpath: [DEBIAN_JAR, ...DEBIAN_NETTY_JARS.filter((jar) => existsSync(jar)), ...logJars],
    logging: logJars.length ? 'log4j' : 'none',
  };
}

/**
 * Finds a local ZooKeeper installation and Java: `ZOOKEEPER_HOME` (a release tarball with
 * `lib/*.jar`) first, then Debian's `zookeeper` package (`/usr/share/java/zookeeper.jar`).
 * Returns `undefined` when either ZooKeeper or Java is missing.
 *
 * @example
 * ```ts
 * import { findZooKeeperInstall } from 'zk-recipes/testing';
 * const install = findZooKeeperInstall();
 * console.log(install ? `ZooKeeper from ${install.source}` : 'none, docker backend needed');
 * ```
 */
export function findZooKeeperInstall(env: NodeJS.ProcessEnv = process.env): ZooKeeperInstall | undefined {
  const javaPath = findJava(env);
  if (!javaPath) return undefined;
  const found = (env.ZOOKEEPER_HOME ? fromHome(env.ZOOKEEPER_HOME) : undefined) ?? fromDebian();
  return found ? { ...found, javaPath } : undefined;
}

/**
 * Tells whether a Docker engine answers (`docker info` succeeds within 5 s). A docker client
 * without a running engine counts as no Docker.
 *
 * @example
 * ```ts
 * import { isDockerAvailable } from 'zk-recipes/testing';
 * it.skipIf(!isDockerAvailable())('runs on docker', async () => {});
 * ```
 */
export function isDockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
