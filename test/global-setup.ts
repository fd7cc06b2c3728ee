import type { TestProject } from 'vitest/node';
import { Ensemble } from '../src/testing/index.js';

/** One server of the shared test ensemble, as provided to tests. */
export interface SharedServer {
  /** 0-based index; -1 when the ensemble comes from ZK_TEST_CONNECT. */
  index: number;
  host: string;
  port: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connect string of the run's shared ensemble (direct, no proxy). */
    zkConnectString: string;
    /** The shared ensemble's servers. */
    zkServers: SharedServer[];
  }
}

function parseConnectString(connect: string): SharedServer[] {
  const hosts = connect.split('/')[0] ?? '';
  return hosts.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    return { index: -1, host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
  });
}

/**
 * Starts ONE 3-node ensemble for the whole integration run (or uses ZK_TEST_CONNECT, e.g. the
 * shared dev ensemble) and provides its connect string to tests via `inject('zkConnectString')`.
 * Tests must not stop, kill or pause these servers (they only get addresses, no handle): tests
 * that need faults start a dedicated ensemble with test/support/ensemble.ts.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.ZK_TEST_CONNECT;
  if (external) {
    project.provide('zkConnectString', external);
    project.provide('zkServers', parseConnectString(external));
    return async () => {};
  }
  const startedAt = Date.now();
  const ensemble = await Ensemble.start({ size: 3 });
  console.log(
    `[global-setup] shared 3-node ZooKeeper ensemble up in ${Date.now() - startedAt} ms: ${ensemble.connectString}`,
  );
  project.provide('zkConnectString', ensemble.connectString);
  project.provide(
    'zkServers',
    ensemble.servers.map((s) => ({ index: s.index, host: s.host, port: s.port })),
  );
  return async () => {
    await ensemble.close();
  };
}
