/**
 * Hot and cold standby of a replication task. The active replicator owns the task through an
 * ephemeral `owner` node and records how far it got in a persistent `progress` node, with a
 * fenced write (a multi that checks its owner node still exists). A HOT standby runs all the
 * time and watches the owner node: it takes over the moment the active one dies and resumes
 * from the stored progress. A COLD standby is started only later, and resumes the same way.
 *
 * Run: `tsx examples/hot-cold-standby.ts [connectString]`
 */
import { connect, NodeExistsError, type ZooKeeperClient } from '../index.js';
import { runExample } from './support/run-example.js';

const TASK = '/replication/orders-db';

/** Waits until `path` does not exist (a one-shot exists watch, re-armed until it is gone). */
async function waitUntilGone(client: ZooKeeperClient, path: string): Promise<void> {
  for (;;) {
    const deleted = new Promise<void>((resolve) => {
      void client.exists(path, { watch: () => resolve() }).then((stat) => stat === null && resolve());
    });
    await deleted;
    if ((await client.exists(path)) === null) return;
  }
}

/** Claims the task (or waits for the owner to go away), then replicates `batches` batches. */
async function replicator(client: ZooKeeperClient, name: string, batches: number): Promise<number> {
  for (;;) {
    try {
      await client.create(`${TASK}/owner`, name, { mode: 'ephemeral' });
      break;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      await waitUntilGone(client, `${TASK}/owner`); // standby: wait for the active one to die
    }
  }
  const { data } = await client.getData(`${TASK}/progress`);
  const resumedAt = Number(data.toString());
  console.log(`${name} owns the task, resuming at offset ${resumedAt}`);
  for (let b = 1; b <= batches; b++) {
    const offset = resumedAt + b * 100; // "replicate" 100 records
    // Fenced progress write: fails if our owner node is gone (we lost the task).
    await client.multi().check(`${TASK}/owner`, 0).setData(`${TASK}/progress`, String(offset)).commit();
  }
  return resumedAt;
}

export async function main(
  connectString: string,
): Promise<{ resumedAt: Record<string, number>; finalOffset: number }> {
  await using setup = await connect(connectString);
  await setup.create(`${TASK}/progress`, '0', { createParents: true });

  const active = await connect(connectString);
  const hot = await connect(connectString);
  const resumedAt: Record<string, number> = {};

  resumedAt.active = await replicator(active, 'active', 3); // offsets 100..300
  const hotRun = replicator(hot, 'hot-standby', 2).then((at) => {
    resumedAt.hot = at;
  });
  console.log('active replicator crashes (its session ends, the owner node vanishes)');
  await active.close();
  await hotRun; // the hot standby took over at once, offsets 400..500

  console.log('hot standby crashes too; an operator starts a cold standby');
  await hot.close();
  await using cold = await connect(connectString);
  resumedAt.cold = await replicator(cold, 'cold-standby', 1); // offset 600

  const finalOffset = Number((await setup.getData(`${TASK}/progress`)).data.toString());
  return { resumedAt, finalOffset };
}

await runExample(import.meta.url, main);
