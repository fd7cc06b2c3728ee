/**
 * `zk-recipes/testing`: real ZooKeeper ensembles and fault injection for your tests (what
 * curator-test is to Curator). Start 1, 3 or 5 servers (plus observers) as local JVMs or Docker
 * containers, kill, restart, freeze and partition them, delay or cut client links through a
 * {@link FaultProxy}, and expire sessions. Everything is cleaned up by `close()`, and also when
 * the test process exits, is interrupted, or crashes.
 *
 * @example
 * ```ts
 * import { Ensemble, expireSession, waitUntil } from 'zk-recipes/testing';
 * import { connect } from 'zk-recipes';
 *
 * await using ensemble = await Ensemble.start({ size: 3 });
 * await using client = await connect(ensemble.proxiedConnectString);
 * ensemble.proxy(0).blackhole();             // cut the client's link to server 0
 * await ensemble.kill((await ensemble.leader())!);
 * await ensemble.waitForQuorum();
 * ```
 *
 * @packageDocumentation
 */
// Explicit named exports only.
export { cleanupRegistry } from './cleanup-registry.js';
export { DEFAULT_ZOOKEEPER_IMAGE, DockerBackend } from './docker-backend.js';
export { Ensemble } from './ensemble.js';
export type { EnsembleOptions, ServerInfo, ServerStatus, WaitOptions } from './ensemble-types.js';
export {
  EnsembleTimeoutError,
  FourLetterWordTimeoutError,
  ServerExitedError,
  TestingKitError,
  WaitTimeoutError,
  ZooKeeperNotFoundError,
} from './errors.js';
export {
  type ExpireSessionOptions,
  type ExpireSessionResult,
  expireSession,
  type SessionHandle,
} from './expire-session.js';
export { FaultProxy, type FaultProxyOptions, type ProxyDirection } from './fault-proxy.js';
export { type FourLetterWord, type FourLetterWordOptions, fourLetterWord } from './four-letter-words.js';
export { freePort } from './free-port.js';
export { PeerMesh, type PeerPorts } from './peer-mesh.js';
export { DEFAULT_JVM_FLAGS, ProcessBackend } from './process-backend.js';
export type { EnsembleLayout, ServerAddress, ServerBackend, ServerProcessState } from './server-backend.js';
export { readServerRole, type ServerRole } from './server-role.js';
export { scaledMs } from './timing.js';
export { createTlsMaterial, type TlsMaterial } from './tls-material.js';
export { type WaitUntilOptions, waitUntil } from './wait-until.js';
export { findZooKeeperInstall, isDockerAvailable, type ZooKeeperInstall } from './zookeeper-install.js';
