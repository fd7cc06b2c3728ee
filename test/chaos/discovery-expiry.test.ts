import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ServiceDiscovery } from '../../recipes/discovery/service-discovery.js';
import { ServiceRegistry } from '../../recipes/discovery/service-registry.js';
import { useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';
import { eventually } from '../support/zk.js';

const SESSION_MS = 3000;

describe('service discovery under faults (dedicated ensemble)', () => {
  const zk = useDedicatedEnsemble({ size: 3 });
  const client = useFaultClients({ sessionTimeoutMs: SESSION_MS });

  it('drops a cut-off instance within the session timeout and re-registers it after its session expired', async () => {
    const { ensemble } = zk;
    const base = `/services-${Date.now()}`;
    const provider = await client(ensemble.proxiedConnectString);
    const observer = await client(ensemble.connectString);
    const registry = new ServiceRegistry(provider, { basePath: base });
    const reg = await registry.register({
      name: 'api',
      id: 'i1',
      address: '10.0.0.1',
      port: 80,
      payload: { v: 1 },
    });
    const stable = await registry.register({ name: 'api', id: 'i0', address: '10.0.0.2', port: 80 });
    const discovery = new ServiceDiscovery(observer, { basePath: base });
    const ids: string[][] = [];
    const sub = discovery.instances$('api').subscribe((l) => ids.push(l.map((i) => i.id)));
    await eventually(() => expect(ids.at(-1)).toEqual(['i0', 'i1']));
    const oldSession = provider.sessionId;

    const cutAt = performance.now();
    for (const p of ensemble.proxies) p.blackhole();
    await firstValueFrom(discovery.instances$('api').pipe(filter((l) => l.length === 0)));
    const droppedMs = performance.now() - cutAt;
    expect(droppedMs).toBeLessThan(SESSION_MS * 3);
    console.log(`[discovery-expiry] instances dropped ${Math.round(droppedMs)} ms after the cut`);

    for (const p of ensemble.proxies) p.heal();
    await eventually(() => expect(ids.at(-1)).toEqual(['i0', 'i1']), { timeoutMs: 20_000 });
    expect(provider.sessionId).not.toBe(oldSession);
    const node = await observer.exists(`${base}/api/i1`);
    expect(node?.ephemeralOwner).toBe(provider.sessionId);
    // The re-created node carries the latest data (an update made while cut off is not lost).
    await reg.update({ v: 2 });
    await eventually(async () =>
      expect((await discovery.instances('api')).find((i) => i.id === 'i1')?.payload).toEqual({ v: 2 }),
    );
    // Every list ever emitted was a real state: no duplicate ids, never anything but i0/i1.
    for (const list of ids) expect(new Set(list).size).toBe(list.length);
    sub.unsubscribe();
    await Promise.all([reg.unregister(), stable.unregister()]);
  });
});
