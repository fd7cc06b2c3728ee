#!/usr/bin/env node
// Makes sure the tests and the demo can start ZooKeeper: finds a local installation
// (ZOOKEEPER_HOME with lib/*.jar, or Debian's zookeeper package) and Java. When they are
// missing: as root on Debian/Ubuntu, installs Debian's "zookeeper" package (which brings Java);
// otherwise, if a Docker engine answers, says the docker backend will be used; otherwise prints
// what to install and exits non-zero. Silent and fast when everything is present.
// Plain Node, no dependencies.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const DEBIAN_JAR = '/usr/share/java/zookeeper.jar';

function findJava() {
  const dirs = [
    process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin'),
    ...(process.env.PATH ?? '').split(delimiter),
  ];
  return dirs
    .filter(Boolean)
    .map((dir) => join(dir, 'java'))
    .find((path) => existsSync(path));
}

function hasZooKeeperJar(dir) {
  return existsSync(dir) && readdirSync(dir).some((name) => /^zookeeper(-\d[\w.-]*)?\.jar$/.test(name));
}

function findZooKeeper() {
  const home = process.env.ZOOKEEPER_HOME;
  if (home) {
    if (hasZooKeeperJar(home) || hasZooKeeperJar(join(home, 'lib'))) return `ZOOKEEPER_HOME=${home}`;
    console.warn(`ensure-zookeeper: ZOOKEEPER_HOME=${home} holds no zookeeper jar; ignoring it`);
  }
  return existsSync(DEBIAN_JAR) ? DEBIAN_JAR : undefined;
}

function dockerAnswers() {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

function aptInstall() {
  console.log('ensure-zookeeper: ZooKeeper or Java missing; installing Debian\'s "zookeeper" package…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'zookeeper']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`ensure-zookeeper: apt-get ${args.join(' ')} failed (status ${result.status})`);
      return false;
    }
  }
  return true;
}

if (findJava() && findZooKeeper()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && isDebianLike() && aptInstall() && findJava() && findZooKeeper()) {
  console.log(`ensure-zookeeper: ZooKeeper installed (${findZooKeeper()})`);
  process.exit(0);
}

if (dockerAnswers()) {
  console.log(
    'ensure-zookeeper: no local ZooKeeper/Java; a Docker engine answers, so the docker backend will be used.',
  );
  process.exit(0);
}

const missing = [!findJava() && 'Java 17+', !findZooKeeper() && 'ZooKeeper 3.8+']
  .filter(Boolean)
  .join(' and ');
console.error(`ensure-zookeeper: ${missing} not found, and no Docker engine answers.

Install one of:
  - Debian/Ubuntu:   sudo apt-get install -y zookeeper        (brings Java 17)
  - any system:      Java 17+ (JAVA_HOME or java on PATH), and a ZooKeeper 3.8+ release from
                     https://zookeeper.apache.org/releases.html unpacked with ZOOKEEPER_HOME pointing at it
  - or:              a running Docker engine (the tests then use the official "zookeeper" image)
`);
process.exit(1);
