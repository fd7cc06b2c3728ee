import { describe, expect, it } from 'vitest';
import { claimItemsTogether, type ItemSnapshot } from '../../../recipes/assignment/item-ops.js';
import { decodeOwner } from '../../../recipes/assignment/owner-record.js';
import { addWorkItems } from '../../../recipes/assignment/work-items.js';
import { WorkPaths } from '../../../recipes/assignment/work-paths.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { newClient } from '../../support/zk.js';

async function snapshots(client: ZooKeeperClient, paths: WorkPaths, items: string[]) {
  return Promise.all(
    items.map(async (item): Promise<{ item: string; known: ItemSnapshot }> => {
      const { data, stat } = await client.getData(paths.item(item));
      return { item, known: { data, version: stat.version, mzxid: stat.mzxid } };
    }),
  );
}

describe('claimItemsTogether', () => {
  it('claims every item in one transaction: new epochs, one czxid, our owner nodes, data kept', async () => {
    const client = await newClient();
    const paths = new WorkPaths('/w');
    await addWorkItems(client, '/w', ['a', 'b', 'c'], { data: (i) => `${i}-data` });
    const claimed = await claimItemsTogether(
      client,
      paths,
      await snapshots(client, paths, ['a', 'b', 'c']),
      'w1',
      'n1',
    );
    expect([...(claimed?.keys() ?? [])]).toEqual(['a', 'b', 'c']);
    const czxids = new Set([...(claimed?.values() ?? [])].map((r) => r.czxid));
    expect(czxids.size).toBe(1);
    for (const item of ['a', 'b', 'c']) {
      const { data, stat } = await client.getData(paths.owner(item));
      const owner = decodeOwner(data, stat);
      expect(owner).toMatchObject({ worker: 'w1', nonce: 'n1', sessionId: client.sessionId });
      expect(owner.czxid).toBe([...czxids][0]);
      const itemNode = await client.getData(paths.item(item));
      expect(itemNode.data.toString()).toBe(`${item}-data`);
      expect(itemNode.stat.version).toBe(1);
      expect(claimed?.get(item)?.epoch).toBe(1);
    }
  });

  it('all or nothing: one taken item or one stale snapshot writes nothing at all', async () => {
    const client = await newClient();
    const paths = new WorkPaths('/w');
    await addWorkItems(client, '/w', ['a', 'b', 'c']);
    const known = await snapshots(client, paths, ['a', 'b', 'c']);
    await client.create(paths.owner('b'), 'someone else', { mode: 'ephemeral' });
    expect(await claimItemsTogether(client, paths, known, 'w1', 'n1')).toBeUndefined();
    await client.delete(paths.owner('b'));
    await client.setData(paths.item('c'), 'edited'); // c's snapshot is stale now
    expect(await claimItemsTogether(client, paths, known, 'w1', 'n1')).toBeUndefined();
    for (const item of ['a', 'b', 'c']) expect(await client.exists(paths.owner(item))).toBeNull();
    expect((await client.getData(paths.item('a'))).stat.version).toBe(0);
    expect((await client.getData(paths.item('c'))).data.toString()).toBe('edited');
  });
});
