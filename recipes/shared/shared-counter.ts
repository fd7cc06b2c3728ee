import type { Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { decodeInt32, encodeInt32 } from './int-codecs.js';
import { SharedValue, type VersionedValue } from './shared-value.js';

/**
 * A shared 32-bit integer (Curator's `SharedCount`, byte-compatible: 4-byte big-endian), so Java
 * and Node processes can share one count. `value$` streams `{ value, version }`; compare-and-set
 * with `trySetCount(n, expectedVersion)`. For increments under contention use `AtomicCounter`
 * (or a `trySetCount` loop).
 *
 * **Connection loss.** As `SharedValue`: on `suspended` the last count is kept and nothing is
 * emitted; on `reconnected` the count is read again and emitted only if it changed.
 *
 * @example
 * ```ts
 * await using count = new SharedCounter(client, '/app/replicas', 3);
 * await count.start();
 * count.value$.subscribe(({ value }) => console.log('replicas =', value));
 * const v = count.getVersionedValue();
 * await count.trySetCount(v.value + 1, v.version);
 * ```
 */
export class SharedCounter implements AsyncDisposable {
  /** Current count on subscribe, then each change. */
  readonly value$: Observable<VersionedValue<number>>;
  private readonly shared: SharedValue<number>;

  constructor(client: ZooKeeperClient, path: string, seed = 0) {
    encodeInt32(seed);
    this.shared = new SharedValue(client, path, { seed, decode: decodeInt32, encode: encodeInt32 });
    this.value$ = this.shared.value$;
  }

  /** The node's path. */
  get path(): string {
    return this.shared.path;
  }

  /** Creates the node with the seed if missing and waits for the first value. */
  start(opts: WaitOptions = {}): Promise<void> {
    return this.shared.start(opts);
  }

  /** The cached count. */
  getCount(): number {
    return this.shared.getValue();
  }

  /** The cached count with its version. */
  getVersionedValue(): VersionedValue<number> {
    return this.shared.getVersionedValue();
  }

  /** Sets the count unconditionally. */
  setCount(value: number, opts: WaitOptions = {}): Promise<void> {
    return this.shared.setValue(value, opts);
  }

  /** Compare-and-set by version; false when someone changed the count first. */
  trySetCount(
    value: number,
    expectedVersion: number | VersionedValue<number>,
    opts: WaitOptions = {},
  ): Promise<boolean> {
    return this.shared.trySetValue(value, expectedVersion, opts);
  }

  /** Stops watching. Idempotent. */
  close(): Promise<void> {
    return this.shared.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
