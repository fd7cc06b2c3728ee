/**
 * Scene 6: the leading worker's session expires (as after a long GC pause or a network
 * partition). Its ephemeral nodes vanish: another worker leads, the lock passes on, the jobs it
 * held return to the queue; then it comes back with a new session and rejoins.
 *
 * @module
 */
import { expireSession } from '../../../src/testing/index.js';
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/**
 * Produces more jobs, then expires the leader's session and waits for the cluster to heal.
 *
 * @example
 * ```ts
 * await expireWorkerScene(ctx, 30);
 * ```
 */
export async function expireWorkerScene(ctx: ShowcaseContext, moreJobs: number): Promise<void> {
  const n = ctx.narrator;
  const { stage } = ctx;
  n.scene("6. Fault: the leader's session expires");
  await ctx.operator?.produce(moreJobs);
  n.say(`the operator added ${moreJobs} more jobs (${stage.produced.length} in total)`);
  const victim = ctx.workers.find((w) => w.isLeader) ?? ctx.workers[0]!;
  // Strike while the victim holds the lock and a job, to show both passing on.
  await waitFor(() => stage.lockHolder === victim.name, `${victim.name} to hold the lock`, {
    signal: ctx.signal,
  }).catch(() => {});
  const oldSession = victim.client.sessionId;
  const leadersBefore = stage.leaders.length;
  const handoffsBefore = stage.lockHandoffs;
  n.warn(
    `expiring the session of ${victim.name} (leader${stage.lockHolder === victim.name ? ' and lock holder' : ''}) with expireSession()`,
  );
  await expireSession(victim.client, { connectString: ctx.servers });
  await waitFor(() => stage.leaders.length > leadersBefore && stage.leader !== victim.name, 'a new leader', {
    signal: ctx.signal,
  });
  n.ok(`${stage.leader} took over the leadership`);
  await waitFor(
    () => victim.client.sessionId !== oldSession && victim.client.state === 'reconnected',
    `${victim.name} to get a new session`,
    { signal: ctx.signal },
  );
  await waitFor(() => stage.services.length === ctx.workers.length, `${victim.name} to re-register`, {
    signal: ctx.signal,
  });
  await waitFor(() => stage.lockHandoffs > handoffsBefore, 'the lock to move', { signal: ctx.signal });
  n.ok(
    `the lock passed on to ${stage.lockHolders.at(-1)}; the job ${victim.name} held went back to the queue`,
  );
  n.ok(`${victim.name} is back with a new session: re-registered, queued again as a follower`);
}
