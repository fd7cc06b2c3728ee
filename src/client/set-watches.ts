/**
 * Splits the watches to re-arm after a reconnect into SetWatches / SetWatches2 requests of at
 * most 128 KB of paths each (Java's SET_WATCHES_MAX_LENGTH), so that no packet approaches the
 * server's 1 MiB `jute.maxbuffer` however many watches a session holds.
 *
 * @module
 */
import type { Request } from '../protocol/index.js';

/** Java's SET_WATCHES_MAX_LENGTH. */
export const SET_WATCHES_MAX_BYTES = 128 * 1024;

/** The watched paths per kind. */
export interface WatchLists {
  data: readonly string[];
  exist: readonly string[];
  child: readonly string[];
  persistent: readonly string[];
  persistentRecursive: readonly string[];
}

/** Request header, zxid and vector counts around the paths. */
const PACKET_OVERHEAD_BYTES = 64;

type SetWatchesRequest = Extract<Request, { op: 'setWatches' | 'setWatches2' }>;

/**
 * Builds the batches. Each batch's paths (4-byte length prefix + UTF-8 bytes each) stay under
 * `maxBytes`; a single path larger than that gets a batch of its own. `setWatches2` is used only
 * when there are persistent watches, so servers before 3.6 keep working.
 *
 * @example
 * ```ts
 * const reqs = buildSetWatches(lastZxid, { data: ['/a'], exist: [], child: ['/b'], persistent: [], persistentRecursive: [] });
 * // [{ op: 'setWatches', relativeZxid: lastZxid, dataWatches: ['/a'], existWatches: [], childWatches: ['/b'] }]
 * ```
 */
export function buildSetWatches(
  relativeZxid: bigint,
  lists: WatchLists,
  maxBytes: number = SET_WATCHES_MAX_BYTES,
): SetWatchesRequest[] {
  const v2 = lists.persistent.length > 0 || lists.persistentRecursive.length > 0;
  const sources = [lists.data, lists.exist, lists.child, lists.persistent, lists.persistentRecursive];
  const out: SetWatchesRequest[] = [];
  let batch: string[][] = [[], [], [], [], []];
  let bytes = 0;
  let count = 0;
  const emit = (): void => {
    const [dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches] =
      batch as [string[], string[], string[], string[], string[]];
    out.push(
      v2
        ? {
            op: 'setWatches2',
            relativeZxid,
            dataWatches,
            existWatches,
            childWatches,
            persistentWatches,
            persistentRecursiveWatches,
          }
        : { op: 'setWatches', relativeZxid, dataWatches, existWatches, childWatches },
    );
    batch = [[], [], [], [], []];
    bytes = 0;
    count = 0;
  };
  for (let k = 0; k < sources.length; k++) {
    for (const path of sources[k]!) {
      const size = 4 + Buffer.byteLength(path, 'utf8');
      if (count > 0 && bytes + size > maxBytes - PACKET_OVERHEAD_BYTES) emit();
      batch[k]!.push(path);
      bytes += size;
      count++;
    }
  }
  if (count > 0) emit();
  return out;
}
