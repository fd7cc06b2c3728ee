import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { roundRobin } from '../../../recipes/discovery/provider-strategy.js';
import { ServiceDiscovery } from '../../../recipes/discovery/service-discovery.js';
import type { ServiceInstance } from '../../../recipes/discovery/service-instance.js';
import { ServiceRegistry } from '../../../recipes/discovery/service-registry.js';
import { weighted } from '../../../recipes/discovery/weighted-strategy.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

type P = { weight: number };
const ids = (list: readonly ServiceInstance[]) => list.map((i) => i.id);

describe('ServiceRegistry + ServiceDiscovery', () => {
  it('registers in Curator layout and lists live instances', async () => {
    const c1 = await newClient();
    const c2 = await newClient({ connectString: `${zkConnectString()}${c1.chroot}` });
    const registry = new ServiceRegistry(c1);
    const discovery = new ServiceDiscovery(c2);
    const lists: (readonly ServiceInstance<P>[])[] = [];
    const sub = discovery.instances$<P>('api').subscribe((l) => lists.push(l));
    const r1 = await registry.register<P>({
      name: 'api',
      id: 'i1',
      address: 'h1',
      port: 80,
      payload: { weight: 1 },
    });
    const r2 = await registry.register<P>({
      name: 'api',
      id: 'i2',
      address: 'h2',
      port: 81,
      payload: { weight: 3 },
      uriSpec: '{scheme}://{address}:{port}',
    });
    await eventually(() => expect(ids(lists.at(-1) ?? [])).toEqual(['i1', 'i2']));
    const raw = JSON.parse((await c2.getData('/services/api/i2')).data.toString());
    expect(raw).toMatchObject({
      name: 'api',
      id: 'i2',
      address: 'h2',
      port: 81,
      serviceType: 'DYNAMIC',
      enabled: true,
    });
    expect(raw.uriSpec.parts).toHaveLength(5);
    expect((await c2.exists('/services/api/i1'))?.ephemeralOwner).toBe(c1.sessionId);
    expect(await discovery.names()).toEqual(['api']);
    expect(ids(await discovery.instances('api'))).toEqual(['i1', 'i2']);

    await r1.update({ weight: 7 });
    await eventually(() => expect(lists.at(-1)?.[0]?.payload).toEqual({ weight: 7 }));
    await r1.unregister();
    await eventually(() => expect(ids(lists.at(-1) ?? [])).toEqual(['i2']));
    await r1.unregister();
    await r2.unregister();
    await eventually(() => expect(lists.at(-1)).toEqual([]));
    sub.unsubscribe();
  });

  it('provider: round robin over live instances, skips disabled and down ones', async () => {
    const client = await newClient();
    const registry = new ServiceRegistry(client);
    const discovery = new ServiceDiscovery(client);
    const regs = await Promise.all(
      ['a', 'b', 'c'].map((id) => registry.register({ name: 'web', id, address: id, port: 1 })),
    );
    let now = 0;
    const p = discovery.provider('web', {
      strategy: roundRobin(),
      downInstancePolicy: { errorThreshold: 1, timeoutMs: 1000 },
      now: () => now,
    });
    await p.start({ timeoutMs: 10_000 });
    await eventually(() => expect(p.allInstances).toHaveLength(3));
    expect([1, 2, 3, 4].map(() => p.getInstance()?.id)).toEqual(['a', 'b', 'c', 'a']);
    p.noteError(p.allInstances[1]!);
    expect(p.usableInstances().map((i) => i.id)).toEqual(['a', 'c']);
    now = 1000;
    expect(p.usableInstances().map((i) => i.id)).toEqual(['a', 'b', 'c']);
    await regs[2]!.setEnabled(false);
    await eventually(() => expect(p.usableInstances().map((i) => i.id)).toEqual(['a', 'b']));
    await Promise.all(regs.map((r) => r.unregister()));
    await eventually(() => expect(p.getInstance()).toBeNull());
    await p.close();
  });

  it('weighted provider follows payload weights', async () => {
    const client = await newClient();
    const registry = new ServiceRegistry(client);
    await registry.register<P>({ name: 'w', id: 'x', address: 'x', payload: { weight: 3 } });
    await registry.register<P>({ name: 'w', id: 'y', address: 'y', payload: { weight: 1 } });
    const p = new ServiceDiscovery(client).provider<P>('w', { strategy: weighted() });
    await p.start({ timeoutMs: 10_000 });
    await eventually(() => expect(p.allInstances).toHaveLength(2));
    const picks = Array.from({ length: 8 }, () => p.getInstance()?.id);
    expect(picks.filter((id) => id === 'x')).toHaveLength(6);
    await p.close();
  });

  it('the instance of a closed client leaves the list', async () => {
    const c1 = await newClient({ sessionTimeoutMs: 4000 });
    const c2 = await newClient({ connectString: `${zkConnectString()}${c1.chroot}` });
    const discovery = new ServiceDiscovery(c2);
    await new ServiceRegistry(c1).register({ name: 'svc', id: 'gone', address: 'h' });
    await firstValueFrom(discovery.instances$('svc').pipe(filter((l) => l.length === 1)));
    await c1.close();
    const empty = await firstValueFrom(discovery.instances$('svc').pipe(filter((l) => l.length === 0)));
    expect(empty).toEqual([]);
  });
});

describe('ServiceRegistry with ttlMs', () => {
  it('keeps the instance as a TTL-touched container and lists it like any other', async () => {
    const client = await newClient();
    const registry = new ServiceRegistry(client);
    const reg = await registry.register({ name: 'batch', id: 'b1', address: 'h', ttlMs: 5000 });
    const discovery = new ServiceDiscovery(client);
    await eventually(async () => expect(ids(await discovery.instances('batch'))).toEqual(['b1']));
    const stat = await client.exists('/services/batch/b1');
    expect(stat?.ephemeralOwner).toBe(0n);
    expect(await client.getChildren('/services/batch/b1')).toEqual(['touch']);
    await reg.update({ x: 1 });
    await eventually(async () => expect((await discovery.instances('batch'))[0]?.payload).toEqual({ x: 1 }));
    await reg.unregister();
    expect(await client.exists('/services/batch/b1')).toBeNull();
  });
});
