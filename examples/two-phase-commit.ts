/**
 * Two-phase commit: an order service asks billing and stock to commit an order together.
 * Each participant votes (prepare); the outcome is `commit` only if everyone voted commit
 * before the deadline, and everyone — coordinator and participants — learns the same outcome
 * from ZooKeeper. The second order fails because stock votes abort.
 *
 * Run: `tsx examples/two-phase-commit.ts [connectString]`
 */
import { connect, type Outcome, TwoPhaseCommit, type ZooKeeperClient } from '../index.js';
import { runExample } from './support/run-example.js';

const stock = new Map([
  ['book', 3],
  ['lamp', 0],
]);

/** One order through 2PC; every party reports the outcome it learned. */
async function placeOrder(
  coordinator: ZooKeeperClient,
  billing: ZooKeeperClient,
  warehouse: ZooKeeperClient,
  item: string,
): Promise<Outcome[]> {
  const tx = await TwoPhaseCommit.coordinator(coordinator, '/2pc/orders', {
    participants: ['billing', 'stock'],
    timeoutMs: 10_000,
    payload: JSON.stringify({ item, price: 12 }),
  });
  // The txId reaches the participants out of band; their sessions may sit on a follower that has
  // not applied the coordinator's create yet, so they sync first (see docs/consistency.md).
  await Promise.all([billing.sync('/2pc/orders'), warehouse.sync('/2pc/orders')]);
  const votes = await Promise.all([
    TwoPhaseCommit.participant(billing, '/2pc/orders', 'billing').vote(tx.txId, () => 'commit'),
    TwoPhaseCommit.participant(warehouse, '/2pc/orders', 'stock').vote(tx.txId, (payload) => {
      const wanted = JSON.parse(payload.toString()).item as string;
      return (stock.get(wanted) ?? 0) > 0 ? 'commit' : 'abort'; // prepare: reserve or refuse
    }),
  ]);
  const outcome = await tx.outcome;
  await tx.cleanedUp; // every participant acknowledged; the transaction's nodes are deleted
  console.log(`order for a ${item}: ${outcome} (billing saw ${votes[0]}, stock saw ${votes[1]})`);
  return [outcome, ...votes];
}

export async function main(connectString: string): Promise<{ book: Outcome[]; lamp: Outcome[] }> {
  await using orders = await connect(connectString);
  await using billing = await connect(connectString);
  await using warehouse = await connect(connectString);
  const book = await placeOrder(orders, billing, warehouse, 'book');
  const lamp = await placeOrder(orders, billing, warehouse, 'lamp');
  return { book, lamp };
}

await runExample(import.meta.url, main);
