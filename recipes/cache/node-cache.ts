import { type Observable, type Subscription, shareReplay } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { firstMatch } from './first-match.js';
import { type NodeValue, type WatchDataOptions, watchData } from './watch-data.js';

/**
 * A cache of one node, for callers who want a handle with `start()`/`close()` and a synchronous
 * `current` value rather than a bare Observable. Built on {@link watchData}, so every
 * `NodeCache` and `watchData` subscriber of a path on one client shares one server watch.
 *
 * **Connection loss.** On `suspended` the cache keeps its last value and emits nothing; on
 * `reconnected` (same or new session) it reads the node again and emits only if the node really
 * changed. After `close()`, or when the client closes, `value$` completes.
 *
 * @example
 * ```ts
 * await using cache = new NodeCache(client, '/app/config', { decode: json });
 * await cache.start({ timeoutMs: 5_000 });
 * console.log(cache.current?.data);
 * cache.value$.subscribe((v) => console.log('now', v?.data));
 * ```
 */
export class NodeCache<T = Buffer> implements AsyncDisposable {
  /** The node's value: current on subscribe, then each change. Shared; refCounted. */
  readonly value$: Observable<NodeValue<T> | null>;
  private sub: Subscription | null = null;
  private latest: NodeValue<T> | null | undefined;
  private failure: unknown;
  private closed = false;

  constructor(client: ZooKeeperClient, path: string, options: WatchDataOptions<T> = {}) {
    this.value$ = watchData(client, path, options).pipe(shareReplay({ bufferSize: 1, refCount: true }));
  }

  /** The last value seen: `undefined` before the first read, `null` when the node is missing. */
  get current(): NodeValue<T> | null | undefined {
    if (this.failure !== undefined) throw this.failure;
    return this.latest;
  }

  /**
   * Starts watching (idempotent) and resolves once the first value is in. Rejects with the
   * stream's error (e.g. a `DecodeError`), or a `TimeoutError` after `timeoutMs`.
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (this.closed) throw new Error('NodeCache is closed');
    if (!this.sub) {
      this.sub = this.value$.subscribe({
        next: (v) => {
          this.latest = v;
        },
        error: (err: unknown) => {
          this.failure = err;
        },
      });
    }
    await firstMatch(this.value$, () => true, opts);
  }

  /** Stops watching (the server watch goes when no other subscriber uses it). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.sub?.unsubscribe();
    this.sub = null;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
