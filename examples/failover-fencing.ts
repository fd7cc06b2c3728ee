/**
 * Active/standby failover with fencing (Hadoop ResourceManager style). Two resource managers
 * elect an active one with a `LeaderLatch`; the active writes the cluster state stamped with its
 * fencing token (the czxid of its latch node, which grows with every term). The state store
 * refuses any write carrying an older token than the last one it accepted, so an old active
 * that was frozen (GC pause), lost its session, and wakes up still believing it leads cannot
 * overwrite the new active's state.
 *
 * Run: `tsx examples/failover-fencing.ts [connectString]`
 */
import {
  BadVersionError,
  connect,
  type FencingToken,
  LeaderLatch,
  NodeExistsError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
} from '../index.js';
import { expireSession } from '../src/testing/index.js';
import { runExample } from './support/run-example.js';

const STORE = '/rm/state';

/** Writes the state if `token` is not older than the store's last token (compare-and-set). */
async function fencedWrite(client: ZooKeeperClient, token: FencingToken, state: string): Promise<boolean> {
  for (;;) {
    let version = -1;
    let lastToken = -1n;
    try {
      const { data, stat } = await client.getData(STORE);
      version = stat.version;
      lastToken = BigInt(JSON.parse(data.toString()).token);
    } catch (err) {
      // A woken-up old active may learn only now that its session expired: the client has
      // opened a new session by itself, so try again; the fence still decides.
      if (err instanceof SessionExpiredError) continue;
      if (!(err instanceof NoNodeError)) throw err;
    }
    if (token.czxid < lastToken) return false; // fenced: a newer active has written
    const data = JSON.stringify({ token: token.czxid.toString(), state });
    try {
      if (version < 0) await client.create(STORE, data, { createParents: true });
      else await client.setData(STORE, data, { version });
      return true;
    } catch (err) {
      if (!(err instanceof BadVersionError || err instanceof NodeExistsError)) throw err; // raced: read again
    }
  }
}

export async function main(
  connectString: string,
): Promise<{ firstActive: string; newActive: string; staleWriteAccepted: boolean; finalState: string }> {
  const rm1 = await connect(connectString);
  await using rm2 = await connect(connectString);
  const latch1 = new LeaderLatch(rm1, '/rm/election', { id: 'rm1' });
  await using latch2 = new LeaderLatch(rm2, '/rm/election', { id: 'rm2' });
  await latch1.start();
  await latch2.start();
  await latch1.waitForLeadership({ timeoutMs: 10_000 });
  const token1 = latch1.fencingToken!; // rm1 is active
  await fencedWrite(rm1, token1, 'apps: [app-1] (written by rm1)');
  console.log(`rm1 active with token ${token1.czxid}`);

  // rm1 freezes (a long GC pause) and its session expires meanwhile: rm2 becomes active.
  await expireSession(rm1, { connectString });
  await latch2.waitForLeadership({ timeoutMs: 20_000 });
  const token2 = latch2.fencingToken!;
  await fencedWrite(rm2, token2, 'apps: [app-1, app-2] (written by rm2)');
  console.log(`rm2 active with token ${token2.czxid}`);

  // rm1 wakes up and, before noticing anything, writes with the token it had: refused.
  const staleWriteAccepted = await fencedWrite(rm1, token1, 'apps: [app-1, app-X] (stale rm1!)');
  console.log(`stale write from rm1 ${staleWriteAccepted ? 'ACCEPTED (bug!)' : 'refused by the fence'}`);

  const finalState = JSON.parse((await rm2.getData(STORE)).data.toString()).state as string;
  await latch1.close();
  await rm1.close();
  return { firstActive: 'rm1', newActive: (await latch2.leader()) ?? '?', staleWriteAccepted, finalState };
}

await runExample(import.meta.url, main);
