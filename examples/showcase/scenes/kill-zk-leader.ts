/**
 * Scene 5: the ZooKeeper leader server dies (SIGKILL). The two survivors elect a new leader;
 * clients on the dead server move to another one and keep their sessions.
 *
 * @module
 */
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

const connected = (ctx: ShowcaseContext): boolean =>
  ctx.workers.every((w) => w.client.state === 'connected' || w.client.state === 'reconnected');

/**
 * Kills the ensemble's leader, waits for a new one and for every client, then restarts the dead
 * server in the background (`restarted` settles when it is back).
 *
 * @example
 * ```ts
 * const { restarted } = await killZkLeaderScene(ctx);
 * ```
 */
export async function killZkLeaderScene(ctx: ShowcaseContext): Promise<{ restarted: Promise<void> }> {
  const n = ctx.narrator;
  const ensemble = ctx.ensemble;
  n.scene('5. Fault: the ZooKeeper leader server dies');
  if (!ensemble) {
    n.detail('skipped: running against an existing ensemble (--connect), its servers are not ours to kill');
    return { restarted: Promise.resolve() };
  }
  const victim = await ensemble.leader();
  if (victim === undefined) throw new Error('the ensemble has no leader');
  const doneBefore = ctx.stage.done;
  n.warn(`kill -9 ZooKeeper server s${victim + 1} (the ensemble's leader)`);
  const startedAt = Date.now();
  await ensemble.kill(victim);
  ctx.stage.zkLeader = undefined;
  const leader = await ensemble.waitForQuorum({ timeoutMs: 30_000, signal: ctx.signal });
  ctx.stage.zkLeader = leader;
  n.ok(`the surviving servers elected s${leader + 1} as ZooKeeper leader in ${Date.now() - startedAt} ms`);
  await waitFor(() => connected(ctx), 'every worker to reconnect', { signal: ctx.signal });
  await waitFor(() => ctx.stage.done > doneBefore, 'work to continue', { signal: ctx.signal });
  n.ok(`every worker is connected again with its SAME session; work goes on (${ctx.stage.done} jobs done)`);
  n.detail('(while suspended the latch stopped believing it led; with the same session back it leads again)');
  n.detail(`restarting s${victim + 1} in the background (it rejoins as a follower)`);
  const restarted = ensemble.restart(victim, { timeoutMs: 30_000 }).then(
    () => n.say(`server s${victim + 1} is back and follows s${leader + 1}`),
    (err: unknown) => n.fail(`server s${victim + 1} did not come back: ${String(err)}`),
  );
  return { restarted };
}
