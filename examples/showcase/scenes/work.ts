/**
 * Scene 4: a queue of jobs consumed by the three workers, each job recorded in a ledger while
 * holding a mutex, so the lock passes from worker to worker.
 *
 * @module
 */
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/**
 * Produces `count` jobs, starts the consumers, and waits until `untilDone` jobs are recorded.
 *
 * @example
 * ```ts
 * await workScene(ctx, 30, 8);
 * ```
 */
export async function workScene(ctx: ShowcaseContext, count: number, untilDone: number): Promise<void> {
  const n = ctx.narrator;
  n.scene('4. A work queue and a lock passed around');
  n.say(`The operator puts ${count} jobs into a LockingQueue (one atomic multi)`);
  n.detail('(a job stays in the queue, locked by an ephemeral node, until its consumer completes it)');
  await ctx.operator?.produce(count);
  n.say('Workers take jobs; each records its job in /ledger while holding the Mutex /locks/ledger');
  n.detail('(the ledger write is a multi: check(lock node) + create — fenced: it fails if our lock is gone)');
  for (const w of ctx.workers) w.consume();
  await waitFor(() => ctx.stage.done >= untilDone, `${untilDone} jobs done`, { signal: ctx.signal });
  const done = ctx.workers.reduce((sum, w) => sum + w.processed.length, 0);
  const byWorker = ctx.workers.map((w) => `${w.name}: ${w.processed.length}`).join(', ');
  n.ok(`${done} jobs recorded so far (${byWorker}); the lock changed hands ${ctx.stage.lockHandoffs} times`);
}
