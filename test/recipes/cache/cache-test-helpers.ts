import { inject } from 'vitest';
import type { Observable, Subscription } from 'rxjs';
import { fourLetterWord } from '../../../src/testing/index.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { zkConnectString } from '../../support/zk.js';

/** Servers of the test ensemble (from vitest's provided context, else the connect string). */
export function testServers(): { host: string; port: number }[] {
  let servers: { host: string; port: number }[] | undefined;
  try {
    servers = inject('zkServers');
  } catch {
    servers = undefined;
  }
  if (servers && servers.length > 0) return servers;
  return (zkConnectString().split('/')[0] ?? '').split(',').map((hp) => {
    const at = hp.lastIndexOf(':');
    return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
  });
}

/**
 * Number of (session, path) watch registrations on `serverPath` across every server of the
 * ensemble, from the `wchp` four-letter word (watches by path).
 */
export async function serverWatchCount(serverPath: string, servers = testServers()): Promise<number> {
  let count = 0;
  for (const s of servers) {
    const out = await fourLetterWord(s.host, s.port, 'wchp', { timeoutMs: 5_000 });
    let inPath = false;
    for (const line of out.split('\n')) {
      if (line.startsWith('/')) inPath = line.trim() === serverPath;
      else if (inPath && line.trim().startsWith('0x')) count++;
    }
  }
  return count;
}

/**
 * The paths one session watches, across every server, from the `wchc` four-letter word
 * (watches by session). A path appears once per server-side watch table it is in.
 */
export async function sessionWatches(sessionId: bigint, servers = testServers()): Promise<string[]> {
  const out: string[] = [];
  for (const s of servers) {
    const text = await fourLetterWord(s.host, s.port, 'wchc', { timeoutMs: 5_000 });
    let mine = false;
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t.startsWith('0x')) mine = BigInt(t) === sessionId;
      else if (mine && t.startsWith('/')) out.push(t);
    }
  }
  return out;
}

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
