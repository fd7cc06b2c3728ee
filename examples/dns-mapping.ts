/**
 * DNS-style name → address mapping with load balancing: each backend registers its address
 * under a service name (ephemeral, so a dead host disappears by itself); clients resolve the
 * name through a `ServiceProvider` that spreads calls over the live addresses (weighted here,
 * round robin by default) and skips a host that keeps failing.
 *
 * Run: `tsx examples/dns-mapping.ts [connectString]`
 */
import { filter, firstValueFrom } from 'rxjs';
import { connect, ServiceDiscovery, ServiceRegistry, weighted } from '../index.js';
import { runExample } from './support/run-example.js';

export async function main(
  connectString: string,
): Promise<{ picks: Record<string, number>; afterDown: string[] }> {
  await using backends = await connect(connectString);
  await using resolver = await connect(connectString);

  // Three backends for "orders.internal"; the third is a bigger machine (weight 2).
  const registry = new ServiceRegistry(backends, { basePath: '/dns' });
  const hosts = [
    { address: '10.0.0.1', weight: 1 },
    { address: '10.0.0.2', weight: 1 },
    { address: '10.0.0.3', weight: 2 },
  ];
  const registrations = [];
  for (const h of hosts) {
    registrations.push(
      await registry.register({
        name: 'orders.internal',
        address: h.address,
        port: 8080,
        payload: { weight: h.weight },
      }),
    );
  }

  // The client side: resolve the name to an address for every call, weighted by the payload.
  const discovery = new ServiceDiscovery(resolver, { basePath: '/dns' });
  await using orders = discovery.provider<{ weight: number }>('orders.internal', {
    strategy: weighted({ weight: (i) => i.payload?.weight ?? 1 }),
  });
  await orders.start({ timeoutMs: 10_000 });
  const live = (n: number) =>
    firstValueFrom(discovery.instances$('orders.internal').pipe(filter((l) => l.length === n)));
  await live(hosts.length);

  const picks: Record<string, number> = {};
  for (let call = 0; call < 40; call++) {
    const target = orders.getInstance();
    if (target?.address) picks[target.address] = (picks[target.address] ?? 0) + 1;
  }
  console.log('40 lookups spread as', picks);

  // One backend shuts down: its record vanishes and lookups stop returning it.
  await registrations[0]!.unregister();
  await live(hosts.length - 1);
  const afterDown = new Set<string>();
  for (let call = 0; call < 12; call++) afterDown.add(orders.getInstance()?.address ?? 'none');
  console.log('after 10.0.0.1 left:', [...afterDown]);

  for (const r of registrations) await r.unregister();
  return { picks, afterDown: [...afterDown].sort() };
}

await runExample(import.meta.url, main);
