/**
 * Scene 7: drain the queue and check that nothing was lost or done twice.
 *
 * @module
 */
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/** The result of the showcase's final check. */
export interface Tally {
  produced: number;
  recorded: number;
  duplicates: number;
  missing: number;
  unknown: number;
  leftInQueue: number;
  redelivered: number;
  fenced: number;
  leaders: string[];
  lockHandoffs: number;
  /** True when every check passed. */
  ok: boolean;
}

/**
 * Waits for the queue to drain, then compares the ledger with what was produced.
 *
 * @example
 * ```ts
 * const tally = await tallyScene(ctx);
 * process.exitCode = tally.ok ? 0 : 1;
 * ```
 */
export async function tallyScene(ctx: ShowcaseContext): Promise<Tally> {
  const n = ctx.narrator;
  const op = ctx.operator;
  if (!op) throw new Error('no operator');
  const { stage } = ctx;
  n.scene('7. Tally: was anything lost or done twice?');
  await waitFor(
    async () => stage.done >= stage.produced.length && (await op.queueDepth()) === 0,
    'the queue to drain',
    { timeoutMs: 30_000, signal: ctx.signal },
  );
  const ledger = await op.ledger();
  const produced = new Set(stage.produced);
  const tally: Tally = {
    produced: stage.produced.length,
    recorded: [...ledger.values()].reduce((sum, by) => sum + by.length, 0),
    duplicates: [...ledger.values()].filter((by) => by.length > 1).length,
    missing: stage.produced.filter((job) => !ledger.has(job)).length,
    unknown: [...ledger.keys()].filter((job) => !produced.has(job)).length,
    leftInQueue: await op.queueDepth(),
    redelivered: stage.redelivered,
    fenced: stage.fenced,
    leaders: [...stage.leaders],
    lockHandoffs: stage.lockHandoffs,
    ok: false,
  };
  tally.ok = tally.duplicates === 0 && tally.missing === 0 && tally.unknown === 0 && tally.leftInQueue === 0;
  const check = (good: boolean, text: string) => (good ? n.ok(text) : n.fail(text));
  check(
    tally.recorded === tally.produced,
    `jobs produced ${tally.produced}, recorded in the ledger ${tally.recorded}`,
  );
  check(tally.missing === 0, `jobs lost: ${tally.missing}`);
  check(tally.duplicates === 0, `jobs recorded twice: ${tally.duplicates}`);
  check(tally.leftInQueue === 0 && tally.unknown === 0, `left in the queue: ${tally.leftInQueue}`);
  n.say(`redelivered after the session expiry and deduplicated by the ledger: ${tally.redelivered}`);
  n.say(`ledger writes fenced out (lock already lost): ${tally.fenced}`);
  n.say(`leaders in order: ${tally.leaders.join(' → ')}; the lock changed hands ${tally.lockHandoffs} times`);
  const per = ctx.workers.map((w) => `${w.name} ${w.processed.length}`).join(', ');
  n.say(`jobs per worker: ${per}`);
  return tally;
}
