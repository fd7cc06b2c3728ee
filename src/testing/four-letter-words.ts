import { connect } from 'node:net';
import { FourLetterWordTimeoutError } from './errors.js';

/**
 * The four-letter-word admin commands of ZooKeeper 3.5–3.9. Servers started by the kit allow all
 * of them (`4lw.commands.whitelist=*`).
 *
 * @example
 * ```ts
 * const word: FourLetterWord = 'mntr';
 * const metrics = await ensemble.fourLetterWord(0, word);
 * ```
 */
export type FourLetterWord =
  | 'conf'
  | 'cons'
  | 'crst'
  | 'dump'
  | 'envi'
  | 'gtmk'
  | 'hash'
  | 'isro'
  | 'mntr'
  | 'ruok'
  | 'srst'
  | 'srvr'
  | 'stat'
  | 'wchc'
  | 'wchp'
  | 'wchs'
  | 'dirs';

/**
 * Options of {@link fourLetterWord}.
 *
 * @example
 * ```ts
 * await fourLetterWord('127.0.0.1', 2181, 'ruok', { timeoutMs: 500, signal });
 * ```
 */
export interface FourLetterWordOptions {
  /** Give up (reject with {@link FourLetterWordTimeoutError}) after this many ms. Default 2000. */
  timeoutMs?: number;
  /** Abort the command early; rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Sends a four-letter-word command to a ZooKeeper server and resolves with the full answer (the
 * server closes the connection when it is done). Rejects with the socket error when the server
 * refuses or resets the connection, and with {@link FourLetterWordTimeoutError} when no complete
 * answer arrives in time (a paused server, a black-holed proxy).
 *
 * @example
 * ```ts
 * import { fourLetterWord } from 'zk-recipes/testing';
 * const answer = await fourLetterWord('127.0.0.1', 2181, 'ruok', { timeoutMs: 500 }); // 'imok'
 * const mode = /^Mode: (\w+)/m.exec(await fourLetterWord('127.0.0.1', 2181, 'srvr'))?.[1];
 * ```
 */
export function fourLetterWord(
  host: string,
  port: number,
  word: FourLetterWord,
  options: FourLetterWordOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    return Promise.reject(new RangeError(`invalid port ${port}`));
  }
  if (!/^[a-z]{4}$/.test(word)) {
    return Promise.reject(new TypeError(`not a four-letter word: ${JSON.stringify(word)}`));
  }
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host, port });
    let settled = false;
    const finish = (err: unknown, answer?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer ?? '');
    };
    const onAbort = (): void => finish(options.signal?.reason);
    const timer = setTimeout(
      () =>
        finish(
          new FourLetterWordTimeoutError(`'${word}' to ${host}:${port} got no answer in ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (err) => finish(err));
  });
}
