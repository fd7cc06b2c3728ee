import { describe, expect, it } from 'vitest';
import { MAX_TTL_MS } from '../../src/index.js';
import { eventually, newClient } from '../support/zk.js';

// The kit's ensembles run the container manager every second (-Dznode.container.checkIntervalMs);
// an ensemble without that system property checks once a minute (the ZooKeeper default), so the
// deadline covers a 60 s check per level of nesting.
const REAP_MS = 130_000;
describe('container nodes', () => {
  it('are removed by the server after their last child goes', async () => {
    const zk = await newClient();
    const { stat } = await zk.create('/box', '', { mode: 'container' });
    expect(stat.ephemeralOwner).toBe(0n);
    await zk.create('/box/item', '', { mode: 'ephemeral' });
    await zk.delete('/box/item');
    await eventually(async () => expect(await zk.exists('/box')).toBeNull(), { timeoutMs: REAP_MS });
  }, 280_000);

  it('createParents: container makes container parents that vanish once emptied', async () => {
    const zk = await newClient();
    await zk.create('/locks/resource/lock-', '', {
      mode: 'ephemeral-sequential',
      createParents: 'container',
    });
    const [child] = await zk.getChildren('/locks/resource');
    await zk.delete(`/locks/resource/${child}`);
    await eventually(async () => expect(await zk.exists('/locks')).toBeNull(), { timeoutMs: REAP_MS });
  }, 280_000);
});

describe('TTL nodes', () => {
  it('are removed once unmodified for ttlMs and childless', async () => {
    const zk = await newClient();
    const { stat } = await zk.create('/ttl', 'x', { mode: 'persistent-ttl', ttlMs: 200 });
    expect(stat.dataLength).toBe(1);
    const seq = await zk.create('/ttl-', 'y', { mode: 'persistent-sequential-ttl', ttlMs: 200 });
    expect(seq.path).toMatch(/^\/ttl-\d{10}$/);
    await eventually(async () => expect(await zk.exists('/ttl')).toBeNull(), { timeoutMs: REAP_MS });
    await eventually(async () => expect(await zk.exists(seq.path)).toBeNull(), { timeoutMs: REAP_MS });
  }, 280_000);

  it('accept the largest TTL the server allows', async () => {
    const zk = await newClient();
    const { stat } = await zk.create('/long', '', { mode: 'persistent-ttl', ttlMs: MAX_TTL_MS });
    expect(stat.version).toBe(0);
  });
});
