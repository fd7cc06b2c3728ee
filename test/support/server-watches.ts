// Server-side watch tables of the shared test ensemble, read with four-letter words: how tests
// prove that a watch was set once, shared, or removed on the server (not only in the client).
import { inject } from 'vitest';
import { fourLetterWord } from '../../src/testing/index.js';
import { zkConnectString } from './zk.js';

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
