/**
 * Configuration center with live reload: services read their settings from one znode through a
 * `ConfigStore`, whose `config$` stream delivers every change at once, so a new setting takes
 * effect without a restart. An operator changes it with a versioned compare-and-set.
 *
 * Run: `tsx examples/config-center.ts [connectString]`
 */
import { filter, firstValueFrom, timeout } from 'rxjs';
import { ConfigStore, connect } from '../index.js';
import { runExample } from './support/run-example.js';

interface RateLimits {
  requestsPerSecond: number;
  burst: number;
}

export async function main(connectString: string): Promise<{ seen: number[]; final: RateLimits }> {
  // Two "service instances" and one operator, each with its own session.
  await using serviceA = await connect(connectString);
  await using serviceB = await connect(connectString);
  await using operator = await connect(connectString);

  const defaults: RateLimits = { requestsPerSecond: 100, burst: 10 };
  const open = (client: typeof serviceA) =>
    new ConfigStore<RateLimits>(client, '/config/api/rate-limits', { defaultValue: defaults });

  await using configA = open(serviceA);
  await using configB = open(serviceB);
  await configA.start({ timeoutMs: 10_000 });
  await configB.start({ timeoutMs: 10_000 });

  // Live reload: each service applies every new value as it arrives.
  const seen: number[] = [];
  const subA = configA.config$.subscribe((snap) => {
    const rps = snap.value?.requestsPerSecond ?? defaults.requestsPerSecond;
    if (seen.at(-1) !== rps) seen.push(rps);
    console.log(`service A now allows ${rps} req/s${snap.stale ? ' (stale snapshot)' : ''}`);
  });

  // The operator raises the limit twice; update() retries on concurrent writers.
  const admin = open(operator);
  await admin.update((c) => ({ ...(c ?? defaults), requestsPerSecond: 250 }));
  await admin.update((c) => ({ ...(c ?? defaults), requestsPerSecond: 500, burst: 50 }));

  // Wait until both services run with the last value (config$ replays the current one).
  const is500 = filter((snap: { value: RateLimits | undefined }) => snap.value?.requestsPerSecond === 500);
  const final = (await firstValueFrom(configB.config$.pipe(is500, timeout(10_000)))).value!;
  await firstValueFrom(configA.config$.pipe(is500, timeout(10_000)));
  subA.unsubscribe();
  await admin.close();
  return { seen, final };
}

await runExample(import.meta.url, main);
