import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ensemble, waitUntil } from '../../src/testing/index.js';

function tlsFourLetterWord(host: string, port: number, ca: string, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca }, () => {
      if (!socket.authorized) reject(socket.authorizationError);
      socket.write(word);
    });
    let answer = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('TLS 4lw timed out')));
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

// One ensemble exercising the options: observers, a TLS client port, server-to-server faults,
// a custom tick and config.
describe('Ensemble options: observers, secure client port, peer faults, tick and server config', () => {
  let ensemble: Ensemble;

  beforeAll(async () => {
    ensemble = await Ensemble.start({
      size: 3,
      observers: 1,
      secureClientPort: true,
      peerFaults: true,
      tickTimeMs: 200,
      serverConfig: { maxClientCnxns: '60' },
    });
  });

  afterAll(async () => {
    await ensemble?.close();
  });

  it('adds the observer after the voters', async () => {
    expect(ensemble.count).toBe(4);
    expect(ensemble.servers.map((s) => s.observer)).toEqual([false, false, false, true]);
    const roles = (await ensemble.status()).map((s) => s.role);
    expect(roles[3]).toBe('observer');
    expect(roles.slice(0, 3).sort()).toEqual(['follower', 'follower', 'leader']);
  });

  it('applies tickTimeMs and serverConfig', async () => {
    const conf = await ensemble.fourLetterWord(0, 'conf');
    expect(conf).toMatch(/^tickTime=200$/m);
    expect(conf).toMatch(/^maxClientCnxns=60$/m);
  });

  it('serves TLS on a secure port with a certificate clients can verify, next to the plain port', async () => {
    const secure = ensemble.secureConnectString!;
    expect(secure.split(',')).toHaveLength(4);
    expect(ensemble.tlsCaPem).toContain('BEGIN CERTIFICATE');
    for (const hostPort of secure.split(',')) {
      const [host, port] = hostPort.split(':') as [string, string];
      expect(await tlsFourLetterWord(host, Number(port), ensemble.tlsCaPem!, 'ruok')).toBe('imok');
    }
    expect(await ensemble.fourLetterWord(3, 'ruok')).toBe('imok');
  });

  it('keeps serving through the observer when a follower stops', async () => {
    const leader = (await ensemble.leader())!;
    const follower = [0, 1, 2].find((i) => i !== leader)!;
    await ensemble.stop(follower);
    expect(await ensemble.waitForQuorum({ timeoutMs: 20_000 })).toBe(leader);
    await waitUntil(async () => (await ensemble.role(3)) === 'observer', { timeoutMs: 10_000 });
    await ensemble.start(follower);
    expect(await ensemble.role(follower)).toBe('follower');
  });

  it('isolate(leader) makes the majority elect another leader; healPartition() lets it rejoin', async () => {
    const oldLeader = (await ensemble.leader())!;
    const startedAt = Date.now();
    ensemble.isolate(oldLeader);
    try {
      const newLeader = await ensemble.waitForQuorum({ timeoutMs: 60_000 });
      console.log(
        `[ensemble-options.test] new leader elected ${Date.now() - startedAt} ms after isolating the old one`,
      );
      expect(newLeader).not.toBe(oldLeader);
      expect(newLeader).toBeLessThan(3); // a voter, never the observer
      expect(['not-serving', 'read-only']).toContain(await ensemble.role(oldLeader));
    } finally {
      ensemble.healPartition();
    }
    await ensemble.waitForRole(oldLeader, 'follower', { timeoutMs: 60_000 });
    await ensemble.waitForQuorum({ timeoutMs: 30_000 });
  }, 150_000);

  it('partition() with no majority side leaves no quorum, and rejects bad groups', async () => {
    expect(() =>
      ensemble.partition([
        [0, 1],
        [1, 2],
      ]),
    ).toThrow(RangeError);
    expect(() => ensemble.partition([[7]])).toThrow(RangeError);
    ensemble.partition([[0], [1], [2, 3]]);
    try {
      await waitUntil(
        async () => {
          const roles = await Promise.all([0, 1, 2].map((i) => ensemble.role(i)));
          return roles.every((r) => r === 'not-serving' || r === 'read-only');
        },
        { timeoutMs: 30_000, message: 'every voter to stop serving' },
      );
      await expect(ensemble.waitForQuorum({ timeoutMs: 1_000 })).rejects.toThrow(/timed out/);
    } finally {
      ensemble.healPartition();
    }
    await ensemble.waitForQuorum({ timeoutMs: 60_000 });
  }, 150_000);
});

describe('Ensemble without secure port', () => {
  it('reports no secure connect string', async () => {
    // a standalone server is the cheapest ensemble
    await using ensemble = await Ensemble.start({ size: 1 });
    expect(ensemble.secureConnectString).toBeUndefined();
    expect(ensemble.tlsCaPem).toBeUndefined();
    expect(() => ensemble.isolate(0)).toThrow(/peerFaults/);
    expect(await ensemble.role(0)).toBe('standalone');
    expect(await ensemble.leader()).toBe(0);
  });
});
