// Baseline for bench/tree-cache.ts: a tree cache written by hand on node-zookeeper-client, the
// way kazoo's/Curator's old TreeCache work: for every node, getData and getChildren (each with a
// watcher), then the same for every child, all issued concurrently.
import type { NzcClient } from './nzc.js';

/** A cached node of the baseline tree. */
export interface NzcNode {
  data: Buffer | undefined;
  version: number;
}

/** Loads the subtree at `root` into a Map (path → node); resolves when every read is back. */
export async function nzcLoadTree(
  client: NzcClient,
  root: string,
  onEvent: () => void,
): Promise<Map<string, NzcNode>> {
  const tree = new Map<string, NzcNode>();
  const load = async (path: string): Promise<void> => {
    const [node, children] = await Promise.all([
      new Promise<NzcNode>((resolve, reject) =>
        client.getData(path, onEvent, (err, data, stat) =>
          err ? reject(err) : resolve({ data, version: stat?.version ?? 0 }),
        ),
      ),
      new Promise<string[]>((resolve, reject) =>
        client.getChildren(path, onEvent, (err, names) => (err ? reject(err) : resolve(names))),
      ),
    ]);
    tree.set(path, node);
    await Promise.all(children.map((c) => load(`${path}/${c}`)));
  };
  await load(root);
  return tree;
}
