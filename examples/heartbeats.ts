/**
 * Worker heartbeats (JStorm style). A live session only proves the process's ZooKeeper thread
 * runs; a worker can be hung while its session stays alive. So each worker keeps an ephemeral
 * heartbeat node (`PersistentNode`, re-created after a session loss) and rewrites it with its
 * task progress every interval; the supervisor reads all heartbeats and classifies each worker
 * by the node's server-side modification time: alive, hung (node there but stale), or dead
 * (node gone with its session).
 *
 * Run: `tsx examples/heartbeats.ts [connectString]`
 */
import { connect, PersistentNode } from '../index.js';
import { runExample } from './support/run-example.js';

const INTERVAL_MS = 100;
const STALE_MS = 1_000;

type Health = 'alive' | 'hung' | 'dead';

export async function main(connectString: string): Promise<Record<string, Health>> {
  const names = ['worker-1', 'worker-2', 'worker-3'];
  const clients = await Promise.all(names.map(() => connect(connectString)));
  const beats = names.map((name, i) => {
    const node = new PersistentNode(clients[i]!, `/heartbeats/${name}`, { mode: 'ephemeral', data: '{}' });
    node.start();
    let processed = 0;
    const timer = setInterval(() => {
      processed += 10;
      void node.setData(JSON.stringify({ processed, at: Date.now() })).catch(() => {});
    }, INTERVAL_MS);
    return { node, timer };
  });
  for (const b of beats) await b.node.waitForInitialCreate({ timeoutMs: 10_000 });

  // worker-2 hangs (its heartbeat loop stops; its session stays alive);
  // worker-3 dies (process gone: its session ends and the node vanishes).
  clearInterval(beats[1]!.timer);
  clearInterval(beats[2]!.timer);
  await clients[2]!.close();

  // The supervisor checks after the stale threshold has passed.
  await new Promise((r) => setTimeout(r, STALE_MS + 300));
  await using supervisor = await connect(connectString);
  const report: Record<string, Health> = {};
  for (const name of names) {
    const stat = await supervisor.exists(`/heartbeats/${name}`);
    report[name] = stat === null ? 'dead' : Date.now() - stat.mtime > STALE_MS ? 'hung' : 'alive';
  }
  console.log('supervisor:', report);

  for (const b of beats.slice(0, 2)) {
    clearInterval(b.timer);
    await b.node.close();
  }
  await Promise.all(clients.slice(0, 2).map((c) => c.close()));
  return report;
}

await runExample(import.meta.url, main);
