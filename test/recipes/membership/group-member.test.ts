import { firstValueFrom, filter } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/index.js';
import { GroupMember } from '../../../recipes/membership/group-member.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

type Payload = { host: string };

describe('GroupMember', () => {
  it('joins with a payload, sees the others, updates in place, leaves on close', async () => {
    const c1 = await newClient();
    const c2 = await newClient({ connectString: `${zkConnectString()}${c1.chroot}` });
    const a = new GroupMember<Payload>(c1, '/group', { id: 'a', payload: { host: 'ha' } });
    const b = new GroupMember<Payload>(c2, '/group', { id: 'b', payload: { host: 'hb' } });
    await a.start({ timeoutMs: 10_000 });
    await b.start({ timeoutMs: 10_000 });
    const views: ReadonlyMap<string, Payload>[] = [];
    const sub = a.members$.subscribe((m) => views.push(m));
    await eventually(() =>
      expect(views.at(-1)).toEqual(
        new Map([
          ['a', { host: 'ha' }],
          ['b', { host: 'hb' }],
        ]),
      ),
    );
    await b.updatePayload({ host: 'hb2' });
    await eventually(() => expect(views.at(-1)?.get('b')).toEqual({ host: 'hb2' }));
    expect(await c1.getChildren('/group')).toHaveLength(2);
    await b.close();
    await eventually(() => expect([...(views.at(-1)?.keys() ?? [])]).toEqual(['a']));
    expect(await c1.getChildren('/group')).toEqual(['a']);
    await b.close(); // idempotent
    sub.unsubscribe();
    await a.close();
  });

  it('rejoins after someone deletes its node and leaves out foreign nodes', async () => {
    const client = await newClient();
    const m = new GroupMember<Payload>(client, '/g', { id: 'me', payload: { host: 'h' } });
    await m.start({ timeoutMs: 10_000 });
    await client.create('/g/junk', 'not json');
    await client.delete('/g/me');
    const back = await firstValueFrom(m.members$.pipe(filter((v) => v.has('me'))));
    expect([...back.keys()]).toEqual(['me']);
    await eventually(async () => expect((await client.getChildren('/g')).sort()).toEqual(['junk', 'me']));
    await m.close();
  });

  it('rejects a bad member id with a typed error', async () => {
    const client = await newClient();
    expect(() => new GroupMember(client, '/g', { id: 'a/b' })).toThrow(InvalidArgumentError);
  });
});
