import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupRegistry,
  Ensemble,
  FourLetterWordTimeoutError,
  fourLetterWord,
  ServerExitedError,
} from '../../src/testing/index.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// One dedicated 3-node ensemble for the whole file; the tests run in order and each leaves it
// with a quorum of all three servers (except the last, which closes it).
describe('Ensemble (process backend, 3 nodes)', () => {
  let ensemble: Ensemble;
  let startupMs = 0;

  beforeAll(async () => {
    const startedAt = Date.now();
    ensemble = await Ensemble.start({ size: 3 });
    startupMs = Date.now() - startedAt;
    console.log(`[ensemble.test] 3-node ensemble started and reached quorum in ${startupMs} ms`);
  });

  afterAll(async () => {
    await ensemble?.close();
  });

  it('starts three servers that reach a quorum with exactly one leader', async () => {
    expect(ensemble.backend).toBe('process');
    expect(ensemble.count).toBe(3);
    const status = await ensemble.status();
    expect(status.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(status.filter((s) => s.role === 'leader')).toHaveLength(1);
    expect(status.filter((s) => s.role === 'follower')).toHaveLength(2);
    for (const s of status) {
      expect(s.state).toBe('running');
      expect(s.pid).toBeGreaterThan(0);
      expect(isAlive(s.pid!)).toBe(true);
    }
    expect(ensemble.connectString).toBe(status.map((s) => `127.0.0.1:${s.port}`).join(','));
    expect(ensemble.proxiedConnectString).toBe(status.map((s) => `127.0.0.1:${s.proxyPort}`).join(','));
    expect(await ensemble.leader()).toBe(status.findIndex((s) => s.role === 'leader'));
  });

  it('answers four-letter words directly and through each fault proxy', async () => {
    expect(await ensemble.fourLetterWord(0, 'ruok')).toBe('imok');
    expect(await ensemble.fourLetterWord(1, 'mntr')).toMatch(/^zk_server_state\s+(leader|follower)$/m);
    expect(await ensemble.fourLetterWord(2, 'conf')).toMatch(/^tickTime=250$/m);
    for (const proxy of ensemble.proxies) {
      expect(await fourLetterWord(proxy.host, proxy.port, 'ruok')).toBe('imok');
    }
    expect(ensemble.proxy(1)).toBe(ensemble.proxies[1]);
    expect(() => ensemble.proxy(3)).toThrow(RangeError);
    await expect(ensemble.stop(-1)).rejects.toThrow(RangeError);
  });

  it('writes each server log and starts the JVM with extended types, container checks and read-only mode', () => {
    const log = ensemble.logs(0);
    expect(log).toContain('QuorumPeerConfig');
    const args = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(ensemble.servers[0]!.pid)], {
      encoding: 'utf8',
    });
    expect(args).toContain('-Dzookeeper.extendedTypesEnabled=true');
    expect(args).toContain('-Dznode.container.checkIntervalMs=1000');
    expect(args).toContain('-Dreadonlymode.enabled=true');
    expect(args).toContain('-Xmx256m');
    const dir = ensemble.workDir!;
    expect(dir).toMatch(/zk-recipes-/);
    expect(existsSync(dir)).toBe(true);
  });

  it('pause freezes a server (no ruok answer) and resume thaws it', async () => {
    const leader = (await ensemble.leader())!;
    const follower = (leader + 1) % 3;
    await ensemble.pause(follower);
    try {
      expect(ensemble.servers[follower]!.state).toBe('paused');
      await expect(ensemble.fourLetterWord(follower, 'ruok', { timeoutMs: 750 })).rejects.toBeInstanceOf(
        FourLetterWordTimeoutError,
      );
      expect(await ensemble.role(follower)).toBe('down');
    } finally {
      await ensemble.resume(follower);
    }
    expect(ensemble.servers[follower]!.state).toBe('running');
    expect(await ensemble.fourLetterWord(follower, 'ruok', { timeoutMs: 5_000 })).toBe('imok');
    await ensemble.waitForQuorum({ timeoutMs: 30_000 });
  });

  it('killing the leader makes one of the other two the leader; the old one rejoins as follower', async () => {
    const oldLeader = (await ensemble.leader())!;
    const oldPid = ensemble.servers[oldLeader]!.pid!;
    await ensemble.kill(oldLeader);
    expect(isAlive(oldPid)).toBe(false);
    expect(ensemble.servers[oldLeader]!.state).toBe('stopped');
    const newLeader = await ensemble.waitForQuorum({ timeoutMs: 30_000 });
    expect(newLeader).not.toBe(oldLeader);
    expect([0, 1, 2].filter((i) => i !== oldLeader)).toContain(newLeader);
    await ensemble.start(oldLeader, { timeoutMs: 30_000 });
    expect(await ensemble.role(oldLeader)).toBe('follower');
    expect(await ensemble.waitForQuorum()).toBe(newLeader);
  });

  it('restart(i) stops a server gracefully and waits until it rejoins', async () => {
    const leader = (await ensemble.leader())!;
    const follower = (leader + 2) % 3;
    const oldPid = ensemble.servers[follower]!.pid!;
    await ensemble.restart(follower, { timeoutMs: 30_000 });
    const newPid = ensemble.servers[follower]!.pid!;
    expect(newPid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);
    expect(['follower', 'leader']).toContain(await ensemble.role(follower));
    await ensemble.waitForRole(follower, ['follower', 'leader'], { timeoutMs: 1_000 });
  });

  it('heal() undoes every fault: proxies, paused and stopped servers, and waits for a quorum', async () => {
    const leader = (await ensemble.leader())!;
    const [a, b] = [0, 1, 2].filter((i) => i !== leader) as [number, number];
    ensemble.proxy(leader).blackhole();
    await ensemble.pause(a);
    await ensemble.kill(b);
    await expect(
      fourLetterWord('127.0.0.1', ensemble.proxy(leader).port, 'ruok', { timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(FourLetterWordTimeoutError);
    await ensemble.heal({ timeoutMs: 60_000 });
    expect(ensemble.servers.map((s) => s.state)).toEqual(['running', 'running', 'running']);
    const roles = (await ensemble.status()).map((s) => s.role).sort();
    expect(roles).toEqual(['follower', 'follower', 'leader']);
    expect(await fourLetterWord('127.0.0.1', ensemble.proxy(leader).port, 'ruok')).toBe('imok');
  }, 90_000);

  it('close() kills every server, removes the temp dir, and is idempotent', async () => {
    const pids = ensemble.servers.map((s) => s.pid!);
    const dir = ensemble.workDir!;
    const proxyPort = ensemble.proxies[0]!.port;
    await Promise.all([ensemble.close(), ensemble.close()]);
    await ensemble[Symbol.asyncDispose]();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await expect(fourLetterWord('127.0.0.1', proxyPort, 'ruok', { timeoutMs: 500 })).rejects.toThrow();
  });
});

describe('Ensemble.start validation', () => {
  it('rejects bad options with a RangeError before starting anything', async () => {
    // @ts-expect-error size 2 is not a valid ensemble size
    await expect(Ensemble.start({ size: 2 })).rejects.toThrow(RangeError);
    await expect(Ensemble.start({ size: 1, observers: 1 })).rejects.toThrow(RangeError);
    await expect(Ensemble.start({ tickTimeMs: -5 })).rejects.toThrow(RangeError);
    await expect(Ensemble.start({ signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('an abort during start-up rejects with the signal reason and tears down what was started', async () => {
    const err = await Ensemble.start({ size: 1, signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(cleanupRegistry.trackedPids()).toEqual([]);
  });
});

describe('Ensemble start-up failure', () => {
  it('a server that cannot start rejects with ServerExitedError carrying its log, and leaves nothing', async () => {
    const err = await Ensemble.start({ size: 1, jvmFlags: ['-Xmx1k'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerExitedError);
    expect((err as Error).message).toMatch(/exited with code \d+/);
    expect((err as Error).message).toMatch(/heap/i);
    expect(cleanupRegistry.trackedPids()).toEqual([]);
  });
});
