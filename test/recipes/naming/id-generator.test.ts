import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/index.js';
import { IdGenerator } from '../../../recipes/naming/id-generator.js';
import { childrenOrNone, eventually, newClient, zkConnectString } from '../../support/zk.js';

describe('IdGenerator', () => {
  it('gives increasing ids and leaves no nodes behind', async () => {
    const client = await newClient();
    const ids = new IdGenerator(client, '/ids/orders');
    const a = await ids.nextId();
    const b = await ids.nextId();
    const batch = await ids.nextIds(5);
    expect(b).toBeGreaterThan(a);
    expect(batch[0]).toBeGreaterThan(b);
    expect(batch).toEqual([0, 1, 2, 3, 4].map((i) => batch[0]! + i));
    await ids.close();
    expect(await childrenOrNone(client, '/ids/orders')).toEqual([]);
    await expect(ids.nextId()).rejects.toThrow(/closed/);
  });

  it('8 concurrent clients get unique ids', async () => {
    const first = await newClient();
    const cs = `${zkConnectString()}${first.chroot}`;
    const clients = [
      first,
      ...(await Promise.all(Array.from({ length: 7 }, () => newClient({ connectString: cs })))),
    ];
    const gens = clients.map((c) => new IdGenerator(c, '/ids/shared'));
    const perClient = await Promise.all(
      gens.map(async (g, i) => {
        const out: number[] = [];
        for (let k = 0; k < 20; k++) {
          if (k % 5 === 0) out.push(...(await g.nextIds(3 + i)));
          else out.push(await g.nextId());
        }
        return out;
      }),
    );
    const all = perClient.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const list of perClient) expect([...list].sort((x, y) => x - y)).toEqual(list);
    await Promise.all(gens.map((g) => g.close()));
    await eventually(async () => expect(await childrenOrNone(first, '/ids/shared')).toEqual([]));
  });

  it('rejects bad arguments with a typed error', async () => {
    const client = await newClient();
    expect(() => new IdGenerator(client, '/ids', { prefix: 'a/b' })).toThrow(InvalidArgumentError);
    const ids = new IdGenerator(client, '/ids');
    await expect(ids.nextIds(0)).rejects.toThrow(InvalidArgumentError);
    await expect(ids.nextIds(1.5)).rejects.toThrow(InvalidArgumentError);
    await ids.close();
  });
});
