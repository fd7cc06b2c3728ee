/**
 * Scene 3: live configuration. The operator changes `/config/worker`; every worker's
 * `ConfigStore.config$` stream delivers the new value and the worker applies it at once.
 *
 * @module
 */
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/**
 * Changes the work time from 400 ms to `workMs` and waits until every worker applied it.
 *
 * @example
 * ```ts
 * await configScene(ctx, 150);
 * ```
 */
export async function configScene(ctx: ShowcaseContext, workMs: number): Promise<void> {
  const n = ctx.narrator;
  n.scene('3. Live configuration through an RxJS stream');
  n.say(
    `The operator sets workMs=${workMs} in /config/worker (ConfigStore.update: versioned compare-and-set)`,
  );
  await ctx.operator?.setWorkMs(workMs);
  await waitFor(() => ctx.workers.every((w) => w.configSeen.at(-1) === workMs), 'every worker to reload', {
    signal: ctx.signal,
  });
  n.ok('every worker reloaded the config without a restart');
}
