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

// One ensemble exercising the options: observers, a TLS client port, a custom tick and config.
describe('Ensemble options: observers, secure client port, tick and server config', () => {
  let ensemble: Ensemble;

  beforeAll(async () => {
    ensemble = await Ensemble.start({
      size: 3,
      observers: 1,
      secureClientPort: true,
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
});

describe('Ensemble without secure port', () => {
  it('reports no secure connect string', async () => {
    // a standalone server is the cheapest ensemble
    await using ensemble = await Ensemble.start({ size: 1 });
    expect(ensemble.secureConnectString).toBeUndefined();
    expect(ensemble.tlsCaPem).toBeUndefined();
    expect(await ensemble.role(0)).toBe('standalone');
    expect(await ensemble.leader()).toBe(0);
  });
});
