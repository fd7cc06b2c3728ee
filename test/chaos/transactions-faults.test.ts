import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TwoPhaseCommit } from '../../recipes/transactions/index.js';
import { connect, type ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { Ensemble } from '../../src/testing/index.js';

// One dedicated ensemble for the whole file: servers are killed, links cut, sessions expired.
let ensemble: Ensemble;
const clients: ZooKeeperClient[] = [];

beforeAll(async () => {
  ensemble = await Ensemble.start({ size: 3, tickTimeMs: 250 });
}, 120_000);

afterAll(async () => {
  await ensemble?.close();
});

afterEach(async () => {
  for (const p of ensemble.proxies) p.heal();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ensemble.waitForQuorum();
});

async function client(connectString: string): Promise<ZooKeeperClient> {
  const c = await connect(connectString, { sessionTimeoutMs: 3000, requestTimeoutMs: 20_000 });
  clients.push(c);
  return c;
}

describe('two-phase commit under faults', () => {
  it('the ensemble leader killed while votes are cast: everyone agrees on commit', async () => {
    const path = `/chaos-2pc/${randomUUID()}`;
    const [coord, a, b] = await Promise.all([0, 1, 2].map(() => client(ensemble.connectString)));
    const tx = await TwoPhaseCommit.coordinator(coord as ZooKeeperClient, path, {
      participants: ['a', 'b'],
      timeoutMs: 30_000,
    });
    const leader = await ensemble.leader();
    const killed = ensemble.kill(leader as number);
    const outcomes = await Promise.all([
      TwoPhaseCommit.participant(a as ZooKeeperClient, path, 'a').vote(tx.txId, () => 'commit'),
      TwoPhaseCommit.participant(b as ZooKeeperClient, path, 'b').vote(tx.txId, () => 'commit'),
      tx.outcome,
    ]);
    await killed;
    await ensemble.restart(leader as number);
    expect(outcomes).toEqual(['commit', 'commit', 'commit']);
  }, 90_000);

  it('a participant session expiring after its vote: the outcome is still learned and agreed', async () => {
    const path = `/chaos-2pc/${randomUUID()}`;
    const [coord, a, b] = await Promise.all([0, 1, 2].map(() => client(ensemble.connectString)));
    const tx = await TwoPhaseCommit.coordinator(coord as ZooKeeperClient, path, {
      participants: ['a', 'b'],
      timeoutMs: 20_000,
    });
    const voteA = TwoPhaseCommit.participant(a as ZooKeeperClient, path, 'a').vote(
      tx.txId,
      async (): Promise<'commit'> => {
        await expireSession(a as ZooKeeperClient, { connectString: ensemble.connectString });
        return 'commit';
      },
    );
    const voteB = TwoPhaseCommit.participant(b as ZooKeeperClient, path, 'b').vote(tx.txId, () => 'commit');
    expect(await Promise.all([voteA, voteB, tx.outcome])).toEqual(['commit', 'commit', 'commit']);
  }, 90_000);

  it('a partitioned coordinator: participants abort at the deadline; the coordinator learns abort', async () => {
    const path = `/chaos-2pc/${randomUUID()}`;
    const coord = await client(ensemble.proxiedConnectString);
    const [a, b] = await Promise.all([client(ensemble.connectString), client(ensemble.connectString)]);
    const tx = await TwoPhaseCommit.coordinator(coord, path, { participants: ['a', 'b'], timeoutMs: 1_500 });
    for (const p of ensemble.proxies) p.blackhole();
    const outcomes = await Promise.all([
      TwoPhaseCommit.participant(a, path, 'a').vote(tx.txId, () => 'commit'),
      TwoPhaseCommit.participant(b, path, 'b').vote(tx.txId, () => 'commit'),
    ]);
    // Both voted commit, but no decision arrived in time: abort by create-once outcome.
    expect(outcomes).toEqual(['abort', 'abort']);
    for (const p of ensemble.proxies) p.heal();
    expect(await tx.outcome).toBe('abort');
  }, 90_000);
});
