import { describe, expect, it } from 'vitest';
import { Ensemble, isDockerAvailable } from '../../src/testing/index.js';

const dockerAvailable = isDockerAvailable();
if (!dockerAvailable) {
  console.log('[docker-backend.test] skipped: no Docker engine answers `docker info` on this machine');
}

describe('Ensemble (docker backend)', () => {
  // The one permitted skip: the docker backend can only be exercised where a Docker engine runs.
  it.skipIf(!dockerAvailable)(
    'starts a 3-node ensemble of the official image, survives a leader kill, and cleans up',
    async () => {
      const ensemble = await Ensemble.start({ size: 3, backend: 'docker', startTimeoutMs: 180_000 });
      try {
        expect(ensemble.backend).toBe('docker');
        expect(await ensemble.fourLetterWord(0, 'ruok')).toBe('imok');
        const leader = await ensemble.waitForQuorum();
        await ensemble.kill(leader);
        expect(await ensemble.waitForQuorum({ timeoutMs: 60_000 })).not.toBe(leader);
        await ensemble.start(leader, { timeoutMs: 60_000 });
        await ensemble.pause(leader);
        expect(await ensemble.role(leader)).toBe('down');
        await ensemble.resume(leader);
        await ensemble.waitForRole(leader, ['follower', 'leader'], { timeoutMs: 60_000 });
      } finally {
        await ensemble.close();
      }
    },
    300_000,
  );
});
