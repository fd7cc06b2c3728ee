import { filter, map, type Observable } from 'rxjs';
import type { Stat, ZooKeeperClient } from '../../src/index.js';
import { assertPath } from './cache-paths.js';
import type { WatchMode } from './cache-types.js';
import { type Decoder, decodeOrThrow, raw } from './decoders.js';
import { sharedNodeStream } from './shared-node-stream.js';

/**
 * A decoded node value as the streams deliver it.
 *
 * @example
 * ```ts
 * const v: NodeValue<string> = { data: 'hello', stat };
 * ```
 */
export interface NodeValue<T> {
  readonly data: T;
  readonly stat: Stat;
}

/**
 * Options of {@link watchData} and `NodeCache`.
 *
 * @example
 * ```ts
 * const opts: WatchDataOptions<unknown> = { decode: json };
 * ```
 */
export interface WatchDataOptions<T> {
  /** Bytes → value; default {@link raw}. A throw becomes a `DecodeError` notification. */
  decode?: Decoder<T>;
  /**
   * `one-shot` (default: a classic data/exists watch, any server version, exactly one server
   * watch per path) or `persistent` (a non-recursive persistent watch, ZooKeeper 3.6+).
   */
  watchMode?: WatchMode;
}

/**
 * An Observable of one node: `{ data, stat }` or `null` while it does not exist. Emits the
 * current value on subscribe, then every change exactly once and in order (changes are
 * recognised by `mzxid`, so re-reads after a reconnect never repeat a value; a deleted and
 * re-created node emits `null` and then the new value). Values that changed several times
 * while a read was in flight or while disconnected are coalesced: ZooKeeper only lets a
 * client see the latest state.
 *
 * Subscribing sets the watch; every subscriber on the same client and path shares ONE server
 * watch (one stream per client, path and watch mode, `shareReplay({ bufferSize: 1, refCount:
 * true })`); the last unsubscribe removes it. A decode failure is an error notification with a
 * `DecodeError` naming the path, for that subscriber only. The stream completes when the
 * client is closed.
 *
 * **Connection loss.** On `suspended` nothing is emitted: subscribers keep the last value (use
 * `ConfigStore` if you need to know how stale it is). On `reconnected` (same session: watches
 * were re-armed by the client; new session after `lost`: the watch is set again) the node is
 * read again and a value is emitted only if it really changed meanwhile.
 *
 * @example
 * ```ts
 * import { json, watchData } from 'zk-recipes';
 *
 * const sub = watchData(client, '/app/feature-flags', { decode: json }).subscribe({
 *   next: (v) => console.log(v ? `v${v.stat.version}` : 'missing', v?.data),
 *   error: (err) => console.error(err), // DecodeError naming the path, or a fatal ZooKeeper error
 * });
 * // later: the last unsubscribe removes the server watch
 * sub.unsubscribe();
 * ```
 */
export function watchData<T = Buffer>(
  client: ZooKeeperClient,
  path: string,
  options: WatchDataOptions<T> = {},
): Observable<NodeValue<T> | null> {
  assertPath(path);
  const decode = (options.decode ?? raw) as Decoder<T>;
  return sharedNodeStream(client, path, options.watchMode ?? 'one-shot').pipe(
    filter((s) => s.kind !== 'resync'),
    map(({ node }) => (node ? { data: decodeOrThrow(decode, path, node.data), stat: node.stat } : null)),
  );
}
