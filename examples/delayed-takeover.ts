/**
 * Delayed takeover of a suspected-dead leader (Canal style). A Canal server that loses its
 * ZooKeeper session for a moment (a network blip) would normally hand its instance to a
 * standby, which must then rebuild everything. With `takeoverDelayMs`, the standby waits: if
 * the old leader comes back within the delay, it keeps leading; only a leader that stays away
 * (or leaves cleanly, which is immediate) is replaced.
 *
 * Run: `tsx examples/delayed-takeover.ts [connectString]`
 */
import { filter, firstValueFrom } from 'rxjs';
import { connect, LeaderLatch } from '../index.js';
import { expireSession } from '../src/testing/index.js';
import { runExample } from './support/run-example.js';

export async function main(connectString: string): Promise<{
  leaderAfterBlip: string | undefined;
  standbyLedDuringBlip: boolean;
  leaderAfterCleanExit: string | undefined;
}> {
  const options = { takeoverDelayMs: 4_000 }; // every participant must use the same delay
  const canal1 = await connect(connectString);
  await using canal2 = await connect(connectString);
  const latch1 = new LeaderLatch(canal1, '/canal/instance-orders', { id: 'canal-1', ...options });
  await using latch2 = new LeaderLatch(canal2, '/canal/instance-orders', { id: 'canal-2', ...options });
  await latch1.start();
  await latch1.waitForLeadership({ timeoutMs: 10_000 });
  await latch2.start();
  let standbyLedDuringBlip = false;
  const sub = latch2.isLeader$.subscribe((leading) => {
    if (leading) standbyLedDuringBlip = true;
  });

  // Blip: canal-1's session expires; its client opens a new session at once and rejoins.
  console.log('canal-1 loses its session (network blip)…');
  const dropped = firstValueFrom(latch1.isLeader$.pipe(filter((leading) => !leading)));
  await expireSession(canal1, { connectString });
  await dropped; // canal-1 noticed: it no longer believes it leads
  await latch1.waitForLeadership({ timeoutMs: 15_000 }); // back in time: it leads again
  const leaderAfterBlip = await latch2.leader();
  console.log(
    `after the blip the leader is ${leaderAfterBlip}; standby took over meanwhile: ${standbyLedDuringBlip}`,
  );
  sub.unsubscribe();

  // A clean shutdown clears the leader record: the standby takes over at once, no delay.
  const started = Date.now();
  await latch1.close();
  await canal1.close();
  await latch2.waitForLeadership({ timeoutMs: 10_000 });
  console.log(`canal-1 shut down; canal-2 took over after ${Date.now() - started} ms`);
  return { leaderAfterBlip, standbyLedDuringBlip, leaderAfterCleanExit: await latch2.leader() };
}

await runExample(import.meta.url, main);
