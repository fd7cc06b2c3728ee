import { ZooKeeperNotFoundError } from './errors.js';
import { ProcessBackend } from './process-backend.js';
import type { EnsembleLayout, ServerBackend } from './server-backend.js';
import { findZooKeeperInstall, isDockerAvailable } from './zookeeper-install.js';

/**
 * Picks and creates the backend for {@link Ensemble.start}: the process backend when asked or
 * when Java and ZooKeeper are installed, else the docker backend when asked or when a Docker
 * engine answers. testcontainers is loaded only for the docker backend.
 * @internal
 */
export async function createBackend(
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
