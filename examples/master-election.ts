/**
 * Master election: three scheduler processes compete; exactly one runs the scheduling loop at a
 * time (`LeaderSelector`). When the master finishes its term (or dies, or loses its session),
 * the next in line takes over. The loop watches its `signal`, which aborts the moment
 * leadership is in doubt (connection suspended), and stamps writes with its fencing token.
 *
 * Run: `tsx examples/master-election.ts [connectString]`
 */
import { connect, LeaderSelector } from '../index.js';
import { runExample } from './support/run-example.js';

export async function main(connectString: string): Promise<{ terms: string[]; overlaps: number }> {
  const clients = await Promise.all(['a', 'b', 'c'].map(() => connect(connectString)));
  const terms: string[] = [];
  let running = 0;
  let overlaps = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });

  const selectors = clients.map(
    (client, i) =>
      new LeaderSelector(
        client,
        '/election/scheduler',
        async (signal, { fencingToken }) => {
          // The master's work: a few scheduling rounds, then step down (a term).
          if (++running > 1) overlaps++;
          const name = `scheduler-${i + 1}`;
          terms.push(name);
          console.log(`${name} is master (token czxid ${fencingToken?.czxid})`);
          for (let round = 0; round < 3 && !signal.aborted; round++)
            await new Promise((r) => setTimeout(r, 50));
          running--;
          if (terms.length === clients.length) finished();
        },
        { id: `scheduler-${i + 1}` },
      ),
  );
  for (const s of selectors) await s.start();
  await allDone; // each selector leads once (no autoRequeue), in queue order

  for (const s of selectors) await s.close();
  await Promise.all(clients.map((c) => c.close()));
  return { terms, overlaps };
}

await runExample(import.meta.url, main);
