// Runs every example in examples/ against the run's shared ensemble, each under a fresh chroot,
// and checks what the example reports.
import { describe, expect, it } from 'vitest';
import { main as configCenter } from '../../examples/config-center.js';
import { main as consumerGroup } from '../../examples/consumer-group.js';
import { main as clusterMonitoring } from '../../examples/cluster-monitoring.js';
import { main as delayedTakeover } from '../../examples/delayed-takeover.js';
import { main as dnsMapping } from '../../examples/dns-mapping.js';
import { main as failoverFencing } from '../../examples/failover-fencing.js';
import { main as heartbeats } from '../../examples/heartbeats.js';
import { main as hotColdStandby } from '../../examples/hot-cold-standby.js';
import { main as locks } from '../../examples/locks.js';
import { main as logCollection } from '../../examples/log-collection.js';
import { main as masterElection } from '../../examples/master-election.js';
import { main as namingIds } from '../../examples/naming-ids.js';
import { main as queueAndBarrier } from '../../examples/queue-and-barrier.js';
import { main as serviceRegistry } from '../../examples/service-registry.js';
import { main as twoPhaseCommit } from '../../examples/two-phase-commit.js';
import { freshChroot } from '../support/zk.js';

describe('examples', () => {
  it('config-center: every service sees each new value, in order', async () => {
    const r = await configCenter(await freshChroot('ex-config'));
    expect(r.final).toEqual({ requestsPerSecond: 500, burst: 50 });
    expect(r.seen[0]).toBe(100);
    expect(r.seen.at(-1)).toBe(500);
    expect([...r.seen].sort((a, b) => a - b)).toEqual(r.seen);
  });

  it('dns-mapping: weighted spread, a departed host is no longer returned', async () => {
    const r = await dnsMapping(await freshChroot('ex-dns'));
    expect(Object.values(r.picks).reduce((a, b) => a + b, 0)).toBe(40);
    expect(r.picks['10.0.0.3']).toBe(20);
    expect(r.afterDown).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it('naming-ids: ids unique and increasing, a name binds once', async () => {
    const r = await namingIds(await freshChroot('ex-naming'));
    expect(r).toEqual({
      ids: 75,
      unique: true,
      increasing: true,
      owner: 'printer-7.office:631',
      secondBindRefused: true,
    });
  });

  it('master-election: each candidate leads once, never two at a time', async () => {
    const r = await masterElection(await freshChroot('ex-master'));
    expect([...r.terms].sort()).toEqual(['scheduler-1', 'scheduler-2', 'scheduler-3']);
    expect(r.overlaps).toBe(0);
  });

  it('locks: no lost update under the mutex; readers share, the writer is alone', async () => {
    const r = await locks(await freshChroot('ex-locks'));
    expect(r.counter).toBe(r.expected);
    expect(r.maxReaders).toBeGreaterThan(1);
    expect(r.writerAlone).toBe(true);
  });

  it('queue-and-barrier: every task once; FIFO for a single consumer', async () => {
    const r = await queueAndBarrier(await freshChroot('ex-queue'));
    expect(r).toEqual({ produced: 30, consumed: 30, duplicates: 0, fifo: ['open', 'process', 'close'] });
  });

  it('hot-cold-standby: each standby resumes where the previous owner stopped', async () => {
    const r = await hotColdStandby(await freshChroot('ex-standby'));
    expect(r).toEqual({ resumedAt: { active: 0, hot: 300, cold: 500 }, finalOffset: 600 });
  });

  it('cluster-monitoring: joins, payload updates and a crash are seen', async () => {
    const r = await clusterMonitoring(await freshChroot('ex-monitor'));
    expect(r.finalMembers).toEqual(['srv-1', 'srv-2']);
    expect(r.timeline.some((line) => line.includes('srv-2(load 0.9)'))).toBe(true);
    expect(r.timeline.some((line) => line.includes('srv-3'))).toBe(true);
  });

  it('log-collection: balanced, sticky on join, moved on crash', async () => {
    const r = await logCollection(await freshChroot('ex-logs'));
    expect(r.twoCollectors.map((l) => l.length)).toEqual([3, 3]);
    expect(r.threeCollectors.map((l) => l.length)).toEqual([2, 2, 2]);
    // Sticky: collectors 1 and 2 kept sources they had.
    for (const i of [0, 1]) for (const s of r.threeCollectors[i]!) expect(r.twoCollectors[i]).toContain(s);
    expect(r.afterCrash.flat().sort()).toEqual(['cache-1', 'db-1', 'db-2', 'web-1', 'web-2', 'web-3']);
  });

  it('failover-fencing: the returning old active is fenced out', async () => {
    const r = await failoverFencing(await freshChroot('ex-fencing'));
    expect(r.newActive).toBe('rm2');
    expect(r.staleWriteAccepted).toBe(false);
    expect(r.finalState).toContain('written by rm2');
  });

  it('consumer-group: every message once, in order, across a rebalance', async () => {
    const r = await consumerGroup(await freshChroot('ex-group'));
    expect(r.complete).toBe(true);
    expect(r.duplicates).toBe(0);
    expect(r.inOrder).toBe(true);
  });

  it('service-registry: providers pushed to the consumer, override applied', async () => {
    const r = await serviceRegistry(await freshChroot('ex-dubbo'));
    expect(r.versions.sort()).toEqual(['1.0.0', '1.0.0', '2.0.0']);
    expect(r.afterOffline).toEqual(['10.0.1.2:20880', '10.0.1.3:20880']);
    expect(r.overriddenWeight).toBe(20);
    expect(r.consumers).toBe(1);
  });

  it('delayed-takeover: a leader back within the delay keeps leading', async () => {
    const r = await delayedTakeover(await freshChroot('ex-canal'));
    expect(r.leaderAfterBlip).toBe('canal-1');
    expect(r.standbyLedDuringBlip).toBe(false);
    expect(r.leaderAfterCleanExit).toBe('canal-2');
  });

  it('heartbeats: alive, hung and dead workers told apart', async () => {
    const r = await heartbeats(await freshChroot('ex-heartbeats'));
    expect(r).toEqual({ 'worker-1': 'alive', 'worker-2': 'hung', 'worker-3': 'dead' });
  });

  it('two-phase-commit: everyone learns the same outcome', async () => {
    const r = await twoPhaseCommit(await freshChroot('ex-2pc'));
    expect(r.book).toEqual(['commit', 'commit', 'commit']);
    expect(r.lamp).toEqual(['abort', 'abort', 'abort']);
  });
});
