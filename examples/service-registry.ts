/**
 * Dubbo-style service registry: providers of an interface register ephemeral instances under
 * `/dubbo/<interface>/providers` (with version, methods and weight in the payload); consumers
 * register under `/consumers` and subscribe to the provider list, which pushes every change:
 * a provider going offline, a new one, or an operator "override" changing a weight in place.
 *
 * Run: `tsx examples/service-registry.ts [connectString]`
 */
import { filter, firstValueFrom } from 'rxjs';
import { connect, ServiceDiscovery, type ServiceInstance, ServiceRegistry } from '../index.js';
import { runExample } from './support/run-example.js';

interface ProviderMeta {
  version: string;
  methods: string[];
  weight: number;
}

const BASE = '/dubbo/com.acme.OrderService';

export async function main(
  connectString: string,
): Promise<{ versions: string[]; afterOffline: string[]; overriddenWeight: number; consumers: number }> {
  const providerClients = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  const registrations = await Promise.all(
    providerClients.map((client, i) =>
      new ServiceRegistry(client, { basePath: BASE }).register<ProviderMeta>({
        name: 'providers',
        id: `10.0.1.${i + 1}:20880`,
        address: `10.0.1.${i + 1}`,
        port: 20880,
        uriSpec: 'dubbo://{address}:{port}/com.acme.OrderService',
        payload: { version: i === 2 ? '2.0.0' : '1.0.0', methods: ['place', 'cancel'], weight: 100 },
      }),
    ),
  );

  // The consumer registers itself (for ops tooling) and subscribes to the providers.
  await using consumer = await connect(connectString);
  await new ServiceRegistry(consumer, { basePath: BASE }).register({
    name: 'consumers',
    id: 'web-1',
    address: '10.0.2.1',
  });
  const discovery = new ServiceDiscovery(consumer, { basePath: BASE });
  const providers$ = discovery.instances$<ProviderMeta>('providers');
  const when = (test: (list: readonly ServiceInstance<ProviderMeta>[]) => boolean) =>
    firstValueFrom(providers$.pipe(filter(test)));
  const sub = providers$.subscribe((list) =>
    console.log(
      'invokers:',
      list.map((p) => `${p.id} v${p.payload?.version} w${p.payload?.weight}`).join(', '),
    ),
  );

  const all = await when((l) => l.length === 3);
  const versions = all.map((p) => p.payload?.version ?? '?');
  // Route: this consumer only calls version 1.0.0.
  const v1 = all.filter((p) => p.payload?.version === '1.0.0').map((p) => p.id);
  console.log('version 1.0.0 providers:', v1);

  // Provider 1 goes offline (process dies): the consumer is notified.
  await providerClients[0]!.close();
  const afterOffline = (await when((l) => l.length === 2)).map((p) => p.id);

  // Ops "override": lower provider 2's weight in place.
  await registrations[1]!.update({ version: '1.0.0', methods: ['place', 'cancel'], weight: 20 });
  const updated = await when((l) => l.some((p) => p.payload?.weight === 20));
  const overriddenWeight = updated.find((p) => p.id === '10.0.1.2:20880')?.payload?.weight ?? -1;

  sub.unsubscribe();
  const consumers = (await discovery.instances('consumers')).length;
  for (const r of registrations.slice(1)) await r.unregister();
  await Promise.all(providerClients.slice(1).map((c) => c.close()));
  return { versions, afterOffline, overriddenWeight, consumers };
}

await runExample(import.meta.url, main);
