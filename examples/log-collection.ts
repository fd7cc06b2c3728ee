/**
 * Distributed log collection: log sources are work items, collectors are workers
 * (`WorkAssignment`). Every source is tailed by exactly one live collector; when a collector
 * joins, only its fair share moves to it; when one dies, its sources move to the others.
 *
 * Run: `tsx examples/log-collection.ts [connectString]`
 */
import { combineLatest, filter, firstValueFrom, type Observable } from 'rxjs';
import { addWorkItems, connect, type OwnedItem, WorkAssignment } from '../index.js';
import { runExample } from './support/run-example.js';

const SOURCES = ['web-1', 'web-2', 'web-3', 'db-1', 'db-2', 'cache-1'];

/** Resolves with each collector's sources once together they own every source as `shares` says. */
function balanced(collectors: WorkAssignment[], shares: number[]): Promise<string[][]> {
  const streams: Observable<readonly OwnedItem[]>[] = collectors.map((c) => c.assignments$);
  return firstValueFrom(
    combineLatest(streams).pipe(
      filter((lists) => lists.every((l, i) => l.length === shares[i])),
      filter((lists) => new Set(lists.flat().map((o) => o.item)).size === SOURCES.length),
    ),
  ).then((lists) => lists.map((l) => l.map((o) => o.item)));
}

export async function main(connectString: string): Promise<{
  twoCollectors: string[][];
  threeCollectors: string[][];
  moved: number;
  afterCrash: string[][];
}> {
  await using admin = await connect(connectString);
  await addWorkItems(admin, '/logs', SOURCES);

  const clients = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  const collectors = clients.map(
    (c, i) => new WorkAssignment(c, '/logs', { workerId: `collector-${i + 1}` }),
  );
  const tailing = new WeakSet<AbortSignal>();
  for (const c of collectors) {
    // A collector tails each source it owns until the source's signal aborts (it moved away).
    c.assignments$.subscribe((owned) => {
      for (const { item, signal } of owned) {
        if (tailing.has(signal) || signal.aborted) continue;
        tailing.add(signal);
        signal.addEventListener('abort', () => console.log(`${c.workerId} stops tailing ${item}`));
      }
    });
  }

  await collectors[0]!.start({ timeoutMs: 10_000 });
  await collectors[1]!.start({ timeoutMs: 10_000 });
  const twoCollectors = await balanced(collectors.slice(0, 2), [3, 3]);
  console.log('2 collectors:', twoCollectors);

  // A third collector joins: each of the others hands over exactly one source.
  await collectors[2]!.start({ timeoutMs: 10_000 });
  const threeCollectors = await balanced(collectors, [2, 2, 2]);
  const moved = threeCollectors[2]!.length;
  console.log('3 collectors:', threeCollectors);

  // collector-1 goes away (a crash ends its session the same way): its sources move to the others.
  await collectors[0]!.close();
  await clients[0]!.close();
  const afterCrash = await balanced(collectors.slice(1), [3, 3]);
  console.log('after collector-1 left:', afterCrash);

  for (const c of collectors) await c.close();
  await Promise.all(clients.slice(1).map((c) => c.close()));
  return { twoCollectors, threeCollectors, moved, afterCrash };
}

await runExample(import.meta.url, main);
