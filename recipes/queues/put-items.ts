// Writing queue items: one create, or many creates batched into multis that stay under the
// server's request size limit (jute.maxbuffer, 1 MiB by default).
import { InvalidArgumentError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { PutManyError } from './errors.js';

/** One item to create: node-name prefix (the server appends the sequence) and data. */
export interface NewQueueItem {
  readonly prefix: string;
  readonly data: Uint8Array;
}

/** Default byte budget of one multi request (under the server's 1 MiB jute.maxbuffer). */
export const DEFAULT_MAX_BATCH_BYTES = 960 * 1024;

/** Bytes a create costs inside a multi besides its path and data (header, ACL, flags), generously. */
const CREATE_OVERHEAD_BYTES = 128;

/** Normalises item data: strings are UTF-8. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Creates the queue node (a container) if it does not exist. */
export async function ensureQueuePath(client: ZooKeeperClient, path: string): Promise<void> {
  await client.mkdirp(path, { mode: 'container' });
}

/**
 * Creates one persistent-sequential item under `path`, creating the queue node (container)
 * when missing. Resolves to the new node's name.
 */
export async function putItem(client: ZooKeeperClient, path: string, item: NewQueueItem): Promise<string> {
  const created = await client.create(`${path}/${item.prefix}`, item.data, {
    mode: 'persistent-sequential',
    createParents: 'container',
  });
  return lastSegment(created.path);
}

/**
 * Creates many items in as few multi requests as fit under `maxBatchBytes` each; each chunk
 * is atomic. Resolves to the created names in input order. A failure after some chunks
 * rejects with {@link PutManyError} listing what was created.
 */
export async function putItems(
  client: ZooKeeperClient,
  path: string,
  items: readonly NewQueueItem[],
  maxBatchBytes = DEFAULT_MAX_BATCH_BYTES,
): Promise<string[]> {
  const created: string[] = [];
  for (const chunk of chunkItems(path, items, maxBatchBytes)) {
    try {
      created.push(...(await commitChunk(client, path, chunk)));
    } catch (err) {
      if (created.length === 0) throw err;
      throw new PutManyError(created, { cause: err });
    }
  }
  return created;
}

async function commitChunk(
  client: ZooKeeperClient,
  path: string,
  chunk: readonly NewQueueItem[],
): Promise<string[]> {
  const build = () => {
    const tx = client.multi();
    for (const item of chunk)
      tx.create(`${path}/${item.prefix}`, item.data, { mode: 'persistent-sequential' });
    return tx;
  };
  let results: Awaited<ReturnType<ReturnType<typeof build>['commit']>>;
  try {
    results = await build().commit();
  } catch (err) {
    // The whole multi failed atomically; a missing queue node is the only error we repair.
    if (!(err instanceof NoNodeError)) throw err;
    await ensureQueuePath(client, path);
    results = await build().commit();
  }
  return results.map((r) => (r.type === 'create' ? lastSegment(r.path) : ''));
}

/** Splits items into chunks whose estimated request size stays under `maxBatchBytes`. */
export function chunkItems(
  path: string,
  items: readonly NewQueueItem[],
  maxBatchBytes: number,
): NewQueueItem[][] {
  const chunks: NewQueueItem[][] = [];
  let current: NewQueueItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = CREATE_OVERHEAD_BYTES + Buffer.byteLength(path) + item.prefix.length + item.data.byteLength;
    if (size > maxBatchBytes) {
      throw new InvalidArgumentError(
        `queue item of ${item.data.byteLength} bytes exceeds the ${maxBatchBytes}-byte batch limit`,
      );
    }
    if (bytes + size > maxBatchBytes && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The last segment of a ZooKeeper path. */
export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
