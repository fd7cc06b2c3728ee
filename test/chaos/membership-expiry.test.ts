import { describe, expect, it } from 'vitest';
import { GroupMember } from '../../recipes/membership/group-member.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

const SESSION_MS = 3000;

describe('GroupMember under faults (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS });

  it('a member leaves when its session expires and rejoins with its latest payload', async () => {
    const { ensemble } = zk;
    const group = `/group-${Date.now()}`;
    const far = await client(ensemble.proxiedConnectString);
    const near = await client(ensemble.connectString);
    const a = new GroupMember(far, group, { id: 'a', payload: { n: 1 } });
    const b = new GroupMember(near, group, { id: 'b', payload: { n: 1 } });
    await Promise.all([a.start({ timeoutMs: 10_000 }), b.start({ timeoutMs: 10_000 })]);
    const seen: string[][] = [];
    const sub = b.members$.subscribe((m) => seen.push([...m.keys()]));
    await eventually(() => expect(seen.at(-1)).toEqual(['a', 'b']));

    for (const p of ensemble.proxies) p.blackhole();
    await eventually(() => expect(seen.at(-1)).toEqual(['b']), { timeoutMs: SESSION_MS * 3 });
    // An update made while cut off is applied once the new session exists.
    const pending = a.updatePayload({ n: 2 }, { timeoutMs: 30_000 });
    for (const p of ensemble.proxies) p.heal();
    await pending;
    await eventually(() => expect(b.members.get('a')).toEqual({ n: 2 }), { timeoutMs: 20_000 });
    expect(seen.at(-1)).toEqual(['a', 'b']);
    expect((await near.exists(`${group}/a`))?.ephemeralOwner).toBe(far.sessionId);
    sub.unsubscribe();
    await Promise.all([a.close(), b.close()]);
  });
});
