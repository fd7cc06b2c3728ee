import { fourLetterWord } from './four-letter-words.js';

/**
 * What `srvr` says about a server: its mode, or `'not-serving'` when it runs but has no quorum
 * (or is still loading), or `'down'` when it does not answer at all.
 *
 * @example
 * ```ts
 * const role: ServerRole = await ensemble.role(0);
 * if (role === 'read-only') console.log('server 0 lost its quorum');
 * ```
 */
export type ServerRole =
  | 'leader'
  | 'follower'
  | 'observer'
  | 'standalone'
  | 'read-only'
  | 'not-serving'
  | 'down';

/**
 * Asks a server for its role with the `srvr` four-letter word. Never rejects: a server that
 * refuses, resets or does not answer within `timeoutMs` is `'down'`.
 *
 * @example
 * ```ts
 * import { readServerRole } from 'zk-recipes/testing';
 * if ((await readServerRole('127.0.0.1', 2181)) === 'leader') console.log('leader found');
 * ```
 */
export async function readServerRole(host: string, port: number, timeoutMs = 1_000): Promise<ServerRole> {
  let answer: string;
  try {
    answer = await fourLetterWord(host, port, 'srvr', { timeoutMs });
  } catch {
    return 'down';
  }
  const mode = /^Mode: ([\w-]+)/m.exec(answer)?.[1];
  switch (mode) {
    case 'leader':
    case 'follower':
    case 'observer':
    case 'standalone':
    case 'read-only':
      return mode;
    default:
      return 'not-serving';
  }
}
