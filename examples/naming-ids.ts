/**
 * Naming service with globally unique ids: many processes draw ids from one `IdGenerator`
 * (sequential znodes: unique and increasing across the whole ensemble, no coordinator), and
 * bind human names to resources in a `NamingService` (a name can be bound only once).
 *
 * Run: `tsx examples/naming-ids.ts [connectString]`
 */
import { connect, IdGenerator, NameAlreadyBoundError, NamingService } from '../index.js';
import { runExample } from './support/run-example.js';

export async function main(connectString: string): Promise<{
  ids: number;
  unique: boolean;
  increasing: boolean;
  owner: string | null;
  secondBindRefused: boolean;
}> {
  // Three order-service processes, each with its own session, draw order ids concurrently.
  const clients = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  const drawn: number[][] = await Promise.all(
    clients.map(async (client) => {
      await using ids = new IdGenerator(client, '/ids/orders');
      const mine: number[] = [];
      for (let i = 0; i < 5; i++) mine.push(await ids.nextId()); // one round trip each
      mine.push(...(await ids.nextIds(20))); // 20 consecutive ids in one multi
      return mine;
    }),
  );
  const all = drawn.flat();
  const unique = new Set(all).size === all.length;
  // Within one process, ids only grow (ZooKeeper orders every create).
  const increasing = drawn.every((mine) => mine.every((id, i) => i === 0 || id > mine[i - 1]!));
  console.log(
    `${all.length} ids drawn by 3 processes, all unique: ${unique}; e.g. ${drawn[0]!.slice(0, 5).join(', ')}`,
  );

  // Names: the first process to bind "invoice-printer" owns it; a second bind is refused.
  const names = new NamingService(clients[0]!, '/names/printers');
  await names.bind('invoice-printer', 'printer-7.office:631');
  let secondBindRefused = false;
  try {
    await new NamingService(clients[1]!, '/names/printers').bind('invoice-printer', 'printer-9.office:631');
  } catch (err) {
    secondBindRefused = err instanceof NameAlreadyBoundError;
  }
  const owner = await new NamingService(clients[2]!, '/names/printers').resolve('invoice-printer');
  console.log(`invoice-printer → ${owner} (second bind refused: ${secondBindRefused})`);

  await Promise.all(clients.map((c) => c.close()));
  return { ids: all.length, unique, increasing, owner, secondBindRefused };
}

await runExample(import.meta.url, main);
