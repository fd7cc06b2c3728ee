/**
 * Scene 2: leader election with `LeaderLatch` (first in line leads, others watch only their
 * predecessor).
 *
 * @module
 */
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/**
 * Every worker joins the election; waits for the first leader.
 *
 * @example
 * ```ts
 * await electScene(ctx);
 * ```
 */
export async function electScene(ctx: ShowcaseContext): Promise<void> {
  const n = ctx.narrator;
  n.scene('2. Leader election');
  n.say('Each worker queues an ephemeral-sequential node under /leader; the first in line leads');
  n.detail('(LeaderLatch: each waits on its predecessor only — no herd; isLeader$ streams the role)');
  for (const w of ctx.workers) await w.elect();
  await waitFor(() => ctx.stage.leader !== undefined, 'a leader', { signal: ctx.signal });
}
