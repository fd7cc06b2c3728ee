import type { Observable, Subscription } from 'rxjs';
import type { ZooKeeperClient } from '../../../src/index.js';

export { serverWatchCount, sessionWatches, testServers } from '../../support/server-watches.js';

/** The full server path of a client path (chroot prefixed). */
export function serverPath(client: ZooKeeperClient, path: string): string {
  return client.chroot + (path === '/' && client.chroot ? '' : path);
}

/** Collects every value and the terminal notification of an Observable. */
export interface Collected<T> {
  values: T[];
  error: unknown;
  completed: boolean;
  sub: Subscription;
}

/** Subscribes and records everything the Observable sends. */
export function collect<T>(source: Observable<T>): Collected<T> {
  const c: Collected<T> = {
    values: [],
    error: undefined,
    completed: false,
    sub: null as unknown as Subscription,
  };
  c.sub = source.subscribe({
    next: (v) => c.values.push(v),
    error: (e: unknown) => {
      c.error = e;
    },
    complete: () => {
      c.completed = true;
    },
  });
  return c;
}

/** Reads a whole subtree (path → data as utf8, mzxid) with plain client calls. */
export async function readTree(
  client: ZooKeeperClient,
  root: string,
): Promise<Map<string, { data: string; mzxid: bigint }>> {
  const out = new Map<string, { data: string; mzxid: bigint }>();
  const visit = async (path: string): Promise<void> => {
    let node: { data: Buffer; stat: { mzxid: bigint } };
    try {
      node = await client.getData(path);
    } catch {
      return;
    }
    out.set(path, { data: node.data.toString('utf8'), mzxid: node.stat.mzxid });
    let children: string[] = [];
    try {
      children = await client.getChildren(path);
    } catch {
      return;
    }
    await Promise.all(children.map((c) => visit(path === '/' ? `/${c}` : `${path}/${c}`)));
  };
  await visit(root);
  return out;
}
