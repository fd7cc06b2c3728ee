import { describe, expect, it } from 'vitest';
import {
  NotAParticipantError,
  TransactionNotFoundError,
  TwoPhaseCommit,
} from '../../../recipes/transactions/index.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

async function peers(n: number): Promise<ZooKeeperClient[]> {
  const first = await newClient();
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
  );
  return [first, ...rest];
}

describe('TwoPhaseCommit', () => {
  it('commits when every participant votes commit; all learn it; nodes are cleaned up', async () => {
    const [coord, a, b] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', {
      participants: ['a', 'b'],
      timeoutMs: 10_000,
      payload: JSON.stringify({ order: 42 }),
    });
    expect(tx.txId).toMatch(/^_c_[0-9a-f-]{36}-tx-\d{10}$/);
    const seen: string[] = [];
    const [oa, ob] = await Promise.all([
      TwoPhaseCommit.participant(a, '/2pc', 'a').vote(tx.txId, (payload) => {
        seen.push(payload.toString());
        return 'commit';
      }),
      TwoPhaseCommit.participant(b, '/2pc', 'b').vote(tx.txId, async () => 'commit' as const),
    ]);
    expect([await tx.outcome, oa, ob]).toEqual(['commit', 'commit', 'commit']);
    expect(seen).toEqual(['{"order":42}']);
    expect(await tx.cleanedUp).toBe(true);
    expect(await coord.exists(`/2pc/${tx.txId}`)).toBeNull();
  });

  it('aborts as soon as one participant votes abort (even before the others vote)', async () => {
    const [coord, a, b] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', {
      participants: ['a', 'b'],
      timeoutMs: 30_000,
    });
    const start = Date.now();
    const oa = await TwoPhaseCommit.participant(a, '/2pc', 'a').vote(tx.txId, () => 'abort');
    expect(oa).toBe('abort');
    expect(await tx.outcome).toBe('abort');
    let decided = false;
    const ob = await TwoPhaseCommit.participant(b, '/2pc', 'b').vote(tx.txId, () => {
      decided = true;
      return 'commit';
    });
    expect(ob).toBe('abort');
    expect(decided).toBe(false); // the outcome was known: b was not asked
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(await tx.cleanedUp).toBe(true);
  });

  it('a decide that throws votes abort', async () => {
    const [coord, a] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', { participants: ['a'], timeoutMs: 10_000 });
    const outcome = await TwoPhaseCommit.participant(a, '/2pc', 'a').vote(tx.txId, () => {
      throw new Error('cannot prepare');
    });
    expect(outcome).toBe('abort');
    expect(await tx.outcome).toBe('abort');
  });

  it('aborts when a participant does not vote within the timeout', async () => {
    const [coord, a] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const start = Date.now();
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', {
      participants: ['a', 'silent'],
      timeoutMs: 500,
      ackTimeoutMs: 500,
    });
    const oa = await TwoPhaseCommit.participant(a, '/2pc', 'a').vote(tx.txId, () => 'commit');
    expect(oa).toBe('abort');
    expect(await tx.outcome).toBe('abort');
    expect(Date.now() - start).toBeGreaterThanOrEqual(450);
    expect(await tx.cleanedUp).toBe(false); // 'silent' never acknowledged: the node is left
    const late = await TwoPhaseCommit.participant(a, '/2pc', 'silent').vote(tx.txId, () => 'commit');
    expect(late).toBe('abort');
  });

  it('coordinator gone before deciding: participants abort after the deadline by CAS', async () => {
    const [coord, a, b] = (await peers(3)) as [ZooKeeperClient, ZooKeeperClient, ZooKeeperClient];
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', {
      participants: ['a', 'b', 'c'],
      timeoutMs: 600,
    });
    tx.outcome.catch(() => {});
    await coord.close(); // the coordinator crashes
    const outcomes = await Promise.all([
      TwoPhaseCommit.participant(a, '/2pc', 'a').vote(tx.txId, () => 'commit'),
      TwoPhaseCommit.participant(b, '/2pc', 'b').vote(tx.txId, () => 'commit'),
    ]);
    expect(outcomes).toEqual(['abort', 'abort']);
    expect((await a.getData(`/2pc/${tx.txId}/outcome`)).data.toString()).toBe('abort');
  });

  it('a repeated vote reuses the recorded vote; unknown tx and strangers are typed errors', async () => {
    const [coord, a] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const tx = await TwoPhaseCommit.coordinator(coord, '/2pc', {
      participants: ['a', 'b'],
      timeoutMs: 10_000,
    });
    await a.create(`/2pc/${tx.txId}/vote-a`, 'commit'); // as if our earlier vote's reply was lost
    const pa = TwoPhaseCommit.participant(a, '/2pc', 'a');
    let asked = false;
    const voting = pa.vote(tx.txId, () => {
      asked = true;
      return 'abort';
    });
    const ob = await TwoPhaseCommit.participant(coord, '/2pc', 'b').vote(tx.txId, () => 'commit');
    expect([await voting, ob, await tx.outcome]).toEqual(['commit', 'commit', 'commit']);
    expect(asked).toBe(false);
    await expect(pa.vote('_c_nope-tx-0000000000', () => 'commit')).rejects.toBeInstanceOf(
      TransactionNotFoundError,
    );
    const tx2 = await TwoPhaseCommit.coordinator(coord, '/2pc', { participants: ['b'], timeoutMs: 1_000 });
    await expect(pa.vote(tx2.txId, () => 'commit')).rejects.toBeInstanceOf(NotAParticipantError);
    await eventually(async () => expect(await tx2.outcome).toBe('abort'), { timeoutMs: 5_000 });
  });

  it('rejects bad coordinator options', async () => {
    const client = await newClient();
    await expect(
      TwoPhaseCommit.coordinator(client, '/2pc', { participants: [], timeoutMs: 1 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      TwoPhaseCommit.coordinator(client, '/2pc', { participants: ['a', 'a'], timeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      TwoPhaseCommit.coordinator(client, '/2pc', { participants: ['a/b'], timeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      TwoPhaseCommit.coordinator(client, '/2pc', { participants: ['a'], timeoutMs: -1 }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
