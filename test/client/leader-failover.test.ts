import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, isRetryable, NodeExistsError, type ZooKeeperClient } from '../../src/index.js';
import { Ensemble } from '../../src/testing/index.js';

// A dedicated ensemble: this test kills a server, which it must never do to the shared one.
let ensemble: Ensemble;

beforeAll(async () => {
  ensemble = await Ensemble.start({ size: 3, serverConfig: { maxSessionTimeout: '30000' } });
});

afterAll(async () => {
  await ensemble?.close();
});

/** Creates `path` until the server has it; a retry that finds the node means the lost reply's write was applied. */
async function writeUntilAcknowledged(zk: ZooKeeperClient, path: string, data: string): Promise<number> {
  let failures = 0;
  for (;;) {
    try {
      await zk.create(path, data);
      return failures;
    } catch (err) {
      if (failures > 0 && err instanceof NodeExistsError) return failures;
      if (!isRetryable(err)) throw err;
      failures++;
    }
  }
}

describe('leader failover', () => {
  it('loses no acknowledged write when the leader is killed during 1000 sequential writes', async () => {
    const zk = await connect(ensemble.connectString, { sessionTimeoutMs: 20_000, requestTimeoutMs: 15_000 });
    try {
      await zk.create('/writes');
      const oldLeader = await ensemble.leader();
      expect(oldLeader).toBeDefined();
      const sessionId = zk.sessionId;
      const acknowledged: number[] = [];
      let retried = 0;
      let kill: Promise<void> | undefined;
      for (let i = 0; i < 1000; i++) {
        if (i === 300) kill = ensemble.kill(oldLeader as number);
        retried += await writeUntilAcknowledged(zk, `/writes/n${String(i).padStart(4, '0')}`, `value-${i}`);
        acknowledged.push(i);
      }
      await kill;
      expect(zk.sessionId).toBe(sessionId); // the session survived the election
      const newLeader = await ensemble.waitForQuorum();
      expect(newLeader).not.toBe(oldLeader);

      // Every acknowledged write is there, with its data, on the servers that are left.
      await zk.sync('/writes');
      const children = new Set(await zk.getChildren('/writes'));
      expect(children.size).toBe(1000);
      const reader = await connect(ensemble.connectString);
      try {
        await reader.sync('/writes');
        const values = await Promise.all(
          acknowledged.map(async (i) => {
            const name = `n${String(i).padStart(4, '0')}`;
            expect(children.has(name)).toBe(true);
            return (await reader.getData(`/writes/${name}`)).data.toString();
          }),
        );
        expect(values).toEqual(acknowledged.map((i) => `value-${i}`));
      } finally {
        await reader.close();
      }
      console.log(`[leader-failover] 1000 writes acknowledged, ${retried} attempts retried after the kill`);
    } finally {
      await zk.close();
    }
  }, 120_000);
});
