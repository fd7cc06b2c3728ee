import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TwoPhaseCommit } from '../../recipes/transactions/index.js';
import { ClientClosedError, type ZooKeeperClient } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { losingCreateReply, nextState, useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

/** The data of `path` as the leader has it, or undefined when it does not exist. */
async function read(c: ZooKeeperClient, path: string): Promise<string | undefined> {
  await c.sync(path).catch(() => {});
  return (await c.getData(path).catch(() => undefined))?.data.toString();
}

describe('two-phase commit under faults', () => {
  // One dedicated ensemble for the file: servers are killed, links cut, sessions expired. After
  // each test every fault is undone and the test's clients are closed.
  const zk = useDedicatedEnsemble({ size: 3, tickTimeMs: 250 }, { healAfterEach: true });
  const client = useFaultClients({ closeAfterEach: true });

  it('the ensemble leader killed while votes are cast: everyone agrees on commit', async () => {
    const { ensemble } = zk;
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
    const { ensemble } = zk;
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
    const { ensemble } = zk;
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

  it('a vote whose create reply is lost is recorded once; decide runs once and the vote counts', async () => {
    const { ensemble } = zk;
    const path = `/chaos-2pc/${randomUUID()}`;
    const proxy = ensemble.proxy(1);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const [coord, b, observer] = await Promise.all([0, 1, 2].map(() => client(ensemble.connectString)));
    const tx = await TwoPhaseCommit.coordinator(coord as ZooKeeperClient, path, {
      participants: ['a', 'b'],
      timeoutMs: 30_000,
    });
    const votePath = `${tx.path}/vote-a`;
    const suspended = nextState(raw, 'suspended');
    const a = losingCreateReply(raw, votePath, () => proxy.cut('server-to-client'));
    let decided = 0;
    const voteA = TwoPhaseCommit.participant(a, path, 'a').vote(tx.txId, () => {
      decided++;
      return 'commit';
    });
    // the server recorded our vote; the client never heard back
    await eventually(async () => expect(await read(observer as ZooKeeperClient, votePath)).toBe('commit'));
    await suspended;
    proxy.heal();
    const voteB = TwoPhaseCommit.participant(b as ZooKeeperClient, path, 'b').vote(tx.txId, () => 'commit');
    expect(await Promise.all([voteA, voteB, tx.outcome])).toEqual(['commit', 'commit', 'commit']);
    expect(decided).toBe(1);
    expect(await tx.cleanedUp).toBe(true); // both acknowledged: a learned the outcome of its vote
  }, 90_000);

  it('a participant that crashes after its vote reply was lost votes again: the recorded vote holds', async () => {
    const { ensemble } = zk;
    const path = `/chaos-2pc/${randomUUID()}`;
    const proxy = ensemble.proxy(2);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4000 });
    const [coord, b, restarted, observer] = await Promise.all(
      [0, 1, 2, 3].map(() => client(ensemble.connectString)),
    );
    const tx = await TwoPhaseCommit.coordinator(coord as ZooKeeperClient, path, {
      participants: ['a', 'b'],
      timeoutMs: 30_000,
    });
    const votePath = `${tx.path}/vote-a`;
    const a = losingCreateReply(raw, votePath, () => proxy.cut('server-to-client'));
    const firstVote = TwoPhaseCommit.participant(a, path, 'a').vote(tx.txId, () => 'commit');
    // the server recorded the commit vote, then the participant crashes before hearing back
    await eventually(async () => expect(await read(observer as ZooKeeperClient, votePath)).toBe('commit'));
    await raw.close();
    await expect(firstVote).rejects.toBeInstanceOf(ClientClosedError);
    proxy.heal();
    // Restarted, it votes again; it would now refuse, but its recorded vote is the one that counts.
    let asked = false;
    const again = TwoPhaseCommit.participant(restarted as ZooKeeperClient, path, 'a').vote(tx.txId, () => {
      asked = true;
      return 'abort';
    });
    const voteB = TwoPhaseCommit.participant(b as ZooKeeperClient, path, 'b').vote(tx.txId, () => 'commit');
    expect(await Promise.all([again, voteB, tx.outcome])).toEqual(['commit', 'commit', 'commit']);
    expect(asked).toBe(false);
  }, 90_000);
});
