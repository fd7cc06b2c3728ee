// Writing queue items: one create, or many creates batched into multis that stay under the
// server's request size limit (jute.maxbuffer, 1 MiB by default).
//
// Protected puts (ItemWriter with protectedPuts, the default of every queue) make a put
// exactly-once across a lost reply:
// - every put (one item, or one putMany chunk) gets a fresh uuid; its items are named
//   `<prefix>_c_<uuid>-<sequence>` and ONE transaction writes them together with an ephemeral
//   receipt `receipt-<uuid>-<sequence>` in the same parent, after the items (so the receipt's
//   sequence is the last item's plus one);
// - when the reply is lost (connection loss, timeout, session expiry), the producer syncs and
//   lists the parent: an item with the uuid, or the receipt, means the put was applied (the
//   receipt outlives items a consumer already took, as long as our session lives); neither,
//   in the session that sent the put, means it was not applied, and the same transaction (same
//   uuid) is sent again; neither after the session changed cannot be decided (the receipt went
//   with the old session) and rejects with PutOutcomeUnknownError. Bounded attempts, backoff.
// - receipts of confirmed puts are deleted by the producer's next put (same transaction: no
//   extra request) or, when no put follows in the same turn of the event loop, in the
//   background; they are ephemeral, so a dead producer's receipts go with its session.
import { randomUUID } from 'node:crypto';
import {
  InvalidArgumentError,
  NoNodeError,
  SessionExpiredError,
  type ZooKeeperClient,
  ZooKeeperError,
} from '../../src/index.js';
import { guaranteedDelete } from '../internal/guaranteed-delete.js';
import { sleep } from '../internal/wait-signal.js';
import { isTransientError, retryDelayMs } from '../internal/wait-for-delete.js';
import { isOutcomeUnknown } from './ambiguous-error.js';
import { PutManyError, PutOutcomeUnknownError } from './errors.js';
import { PUT_MARKER, protectedItemPrefix, RECEIPT_PREFIX } from './queue-naming.js';

/** One item to create: node-name prefix (the server appends the sequence) and data. */
export interface NewQueueItem {
  readonly prefix: string;
  readonly data: Uint8Array;
}

/** Default byte budget of one multi request (under the server's 1 MiB jute.maxbuffer). */
export const DEFAULT_MAX_BATCH_BYTES = 960 * 1024;

/** Bytes a create costs inside a multi besides its path and data (header, ACL, flags), generously. */
const CREATE_OVERHEAD_BYTES = 128;
/** Length of the protection marker `_c_<uuid>-` in a protected item's name. */
const PROTECTION_BYTES = PUT_MARKER.length + 36 + 1;
/** Attempts of one protected put (writes and read-backs together). */
const MAX_PUT_ATTEMPTS = 10;
/** Receipts of earlier puts deleted inside one put's transaction, at most. */
const MAX_PIGGYBACKED_DELETES = 16;

/** Normalises item data: strings are UTF-8. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** Creates the queue node (a container) if it does not exist. */
export async function ensureQueuePath(client: ZooKeeperClient, path: string): Promise<void> {
  await client.mkdirp(path, { mode: 'container' });
}

/**
 * Creates one persistent-sequential item under `path` (plain name, no protection), creating the
 * queue node (container) when missing. Resolves to the new node's name.
 */
export async function putItem(client: ZooKeeperClient, path: string, item: NewQueueItem): Promise<string> {
  const created = await client.create(`${path}/${item.prefix}`, item.data, {
    mode: 'persistent-sequential',
    createParents: 'container',
  });
  return lastSegment(created.path);
}

/**
 * Creates many items (plain names, no protection) in as few multi requests as fit under
 * `maxBatchBytes` each; each chunk is atomic. Resolves to the created names in input order. A
 * failure after some chunks rejects with {@link PutManyError} listing what was created.
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

/** Extra bytes {@link chunkItems} counts: per item (a longer name), and once per chunk. */
export interface ChunkAllowance {
  /** Added to every item's estimated size (e.g. the protection marker in its name). */
  readonly perItemBytes?: number;
  /** Kept free in every chunk (e.g. for the put receipt's create). */
  readonly reserveBytes?: number;
}

/** Splits items into chunks whose estimated request size stays under `maxBatchBytes`. */
export function chunkItems(
  path: string,
  items: readonly NewQueueItem[],
  maxBatchBytes: number,
  allowance: ChunkAllowance = {},
): NewQueueItem[][] {
  const perItem = allowance.perItemBytes ?? 0;
  const budget = maxBatchBytes - (allowance.reserveBytes ?? 0);
  const chunks: NewQueueItem[][] = [];
  let current: NewQueueItem[] = [];
  let bytes = 0;
  for (const item of items) {
    const size =
      CREATE_OVERHEAD_BYTES + Buffer.byteLength(path) + item.prefix.length + perItem + item.data.byteLength;
    if (size > budget) {
      throw new InvalidArgumentError(
        `queue item of ${item.data.byteLength} bytes exceeds the ${maxBatchBytes}-byte batch limit`,
      );
    }
    if (bytes + size > budget && current.length > 0) {
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

/**
 * A sequence as ZooKeeper prints it in a sequential node's name (`%010d` of a signed 32-bit
 * counter: `0000000042`, `-000000007`, `-2147483648`).
 */
export function formatZkSequence(sequence: number): string {
  const n = sequence | 0;
  return n < 0 ? `-${String(-n).padStart(9, '0')}` : String(n).padStart(10, '0');
}

/** The trailing ZooKeeper sequence of a sequential node's name, or `undefined`. */
function trailingSequence(name: string): number | undefined {
  const match = /(-?\d{1,10})$/.exec(name);
  if (!match?.[1]) return undefined;
  // `qn-_c_<uuid>-0000000012`: the dash before the digits belongs to the name, not the number
  const digits =
    match[1].startsWith('-') && name.charAt(match.index - 1) !== '-' ? match[1].slice(1) : match[1];
  return Number.parseInt(digits, 10) | 0;
}

/** An item of a protected put: its name carries `uuid` (`<prefix>_c_<uuid>-<sequence>`). */
export interface ProtectedItem extends NewQueueItem {
  readonly uuid: string;
}

/** What a protected put finds of itself when it reads the parent back. */
export interface RecoveredPut {
  /** The items' names, in put order. */
  readonly names: string[];
  /** The put's receipt, when it is still there. */
  readonly receipt: string | undefined;
}

/**
 * Works out, from a listing of the parent, whether the protected transaction of `chunk` (whose
 * receipt is `receipt-<receiptId>-<sequence>`) was applied, and its items' names: from the
 * receipt (the items' sequences are the n numbers before the receipt's), else from the items
 * still there (their sequences are consecutive, in put order). `undefined` when neither the
 * receipt nor any item is listed.
 */
export function recoverPut(
  chunk: readonly ProtectedItem[],
  receiptId: string,
  children: readonly string[],
): RecoveredPut | undefined {
  const n = chunk.length;
  const receiptPrefix = `${RECEIPT_PREFIX}${receiptId}-`;
  const receipt = children.find((c) => c.startsWith(receiptPrefix));
  const build = (start: number): string[] =>
    chunk.map((item, i) => `${protectedItemPrefix(item.prefix, item.uuid)}${formatZkSequence(start + i)}`);
  if (receipt !== undefined) {
    const sequence = trailingSequence(receipt);
    if (sequence !== undefined) return { names: build((sequence - n) | 0), receipt };
  }
  const uuids = new Set(chunk.map((item) => item.uuid));
  const found: { name: string; prefix: string; uuid: string; sequence: number }[] = [];
  for (const child of children) {
    const at = child.indexOf(PUT_MARKER);
    if (at < 0) continue;
    const from = at + PUT_MARKER.length;
    const uuid = child.slice(from, from + 36);
    if (!uuids.has(uuid) || child.charAt(from + 36) !== '-') continue;
    const sequence = trailingSequence(child);
    if (sequence !== undefined) found.push({ name: child, prefix: child.slice(0, at), uuid, sequence });
  }
  const first = found[0];
  if (first === undefined) return receipt === undefined ? undefined : { names: [], receipt };
  // Which first sequence explains every item found? (All of them when none was taken yet.)
  // When several do (items alike, some already taken), assume the earliest ones went.
  const matches = (f: (typeof found)[number], i: number): boolean => {
    const item = chunk[i] as ProtectedItem;
    return item.prefix === f.prefix && item.uuid === f.uuid;
  };
  const fits = (start: number): boolean =>
    found.every((f) => {
      const i = (f.sequence - start) | 0;
      return i >= 0 && i < n && matches(f, i);
    });
  let best: number | undefined;
  for (let i = 0; i < n; i++) {
    if (!matches(first, i)) continue;
    const start = (first.sequence - i) | 0;
    if ((best === undefined || start < best) && fits(start)) best = start;
  }
  if (best === undefined) return { names: found.map((f) => f.name), receipt };
  return { names: build(best), receipt };
}

/** Options of an {@link ItemWriter}. */
export interface ItemWriterOptions {
  /** Protected names and lost-reply recovery (see the module comment). */
  readonly protectedPuts: boolean;
  /** Byte budget of one multi. */
  readonly maxBatchBytes: number;
}

interface Receipt {
  readonly path: string;
  readonly sessionId: bigint;
}

/** A single put waiting to be written with the others issued meanwhile. */
interface QueuedPut {
  readonly item: ProtectedItem;
  readonly resolve: (name: string) => void;
  readonly reject: (err: unknown) => void;
}

/** An unknown outcome: the error, and the session that sent the write. */
interface Unknown {
  readonly cause: unknown;
  readonly sessionId: bigint;
}

/**
 * The producer side of one queue parent: single puts and batched puts, protected (exactly once
 * across a lost reply) or plain. Keeps the receipts of confirmed puts until they are deleted.
 *
 * Protected single puts are coalesced: one transaction is in flight at a time, and the puts
 * issued meanwhile go out together in the next one (each item with its own uuid, in call order,
 * each put resolving to its own name). A lone producer pays no extra latency; a producer with
 * many puts in flight writes them in a few transactions instead of one each, which more than
 * pays for the receipts.
 */
export class ItemWriter {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #options: ItemWriterOptions;
  readonly #allowance: ChunkAllowance;
  #receipts: Receipt[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #queued: QueuedPut[] = [];
  #draining = false;

  constructor(client: ZooKeeperClient, path: string, options: ItemWriterOptions) {
    this.#client = client;
    this.#path = path;
    this.#options = options;
    this.#allowance = {
      perItemBytes: PROTECTION_BYTES,
      reserveBytes: CREATE_OVERHEAD_BYTES + Buffer.byteLength(path) + RECEIPT_PREFIX.length + 48,
    };
  }

  /** Creates one item; resolves to its name. */
  async put(item: NewQueueItem): Promise<string> {
    if (!this.#options.protectedPuts) return putItem(this.#client, this.#path, item);
    const queued = { ...item, uuid: randomUUID() };
    // Refuse a bad item here, alone, rather than failing the transaction it would share.
    chunkItems(this.#path, [queued], this.#options.maxBatchBytes, this.#allowance);
    this.#client.multi().create(this.#itemPath(queued), queued.data, { mode: 'persistent-sequential' });
    return new Promise<string>((resolve, reject) => {
      this.#queued.push({ item: queued, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        queueMicrotask(() => void this.#drain()); // puts issued in this same turn go together
      }
    });
  }

  /** Creates items in as few atomic multis as fit; names in input order. */
  async putMany(items: readonly NewQueueItem[]): Promise<string[]> {
    const { protectedPuts, maxBatchBytes } = this.#options;
    if (!protectedPuts) return putItems(this.#client, this.#path, items, maxBatchBytes);
    const chunks = chunkItems(this.#path, items, maxBatchBytes, this.#allowance);
    const created: string[] = [];
    for (const chunk of chunks) {
      // One uuid per multi: the multi is atomic, its items stand or fall together.
      const uuid = randomUUID();
      try {
        created.push(...(await this.#putProtected(chunk.map((item) => ({ ...item, uuid })))));
      } catch (err) {
        if (created.length === 0) throw err;
        throw new PutManyError(created, { cause: err });
      }
    }
    return created;
  }

  /** Deletes the receipts still held, in the background. */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const receipts = this.#receipts;
    this.#receipts = [];
    for (const receipt of receipts) this.#deleteReceipt(receipt);
  }

  /** Writes the queued single puts, a transaction at a time, each with what queued meanwhile. */
  async #drain(): Promise<void> {
    try {
      while (this.#queued.length > 0) {
        const fits = chunkItems(
          this.#path,
          this.#queued.map((q) => q.item),
          this.#options.maxBatchBytes,
          this.#allowance,
        )[0];
        const batch = this.#queued.splice(0, Math.max(1, fits?.length ?? 1));
        try {
          const names = await this.#putProtected(batch.map((q) => q.item));
          for (const [i, q] of batch.entries()) q.resolve(names[i] as string);
        } catch (err) {
          for (const q of batch) {
            q.reject(
              err instanceof PutOutcomeUnknownError
                ? new PutOutcomeUnknownError(q.item.uuid, [q.item.data], { cause: err.cause })
                : err,
            );
          }
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #itemPath(item: ProtectedItem): string {
    return `${this.#path}/${protectedItemPrefix(item.prefix, item.uuid)}`;
  }

  /**
   * Writes `chunk` (items and receipt) in one transaction, exactly once across lost replies;
   * resolves to the items' names in order. The receipt is named after the first item's uuid.
   */
  async #putProtected(chunk: readonly ProtectedItem[]): Promise<string[]> {
    const client = this.#client;
    const uuid = (chunk[0] as ProtectedItem).uuid;
    const n = chunk.length;
    let unknown: Unknown | undefined;
    let lastError: unknown;
    for (let attempt = 1; attempt <= MAX_PUT_ATTEMPTS; attempt++) {
      if (unknown) {
        // The last write's reply was lost: read back before writing again.
        let listing: { children: string[]; sessionId: bigint };
        try {
          listing = await this.#list();
        } catch (err) {
          lastError = err;
          if (!isTransientError(err) && !(err instanceof SessionExpiredError)) break;
          await sleep(retryDelayMs(attempt));
          continue;
        }
        const found = recoverPut(chunk, uuid, listing.children);
        if (found) {
          if (found.receipt !== undefined) {
            this.#keepReceipt({ path: `${this.#path}/${found.receipt}`, sessionId: unknown.sessionId });
          }
          return found.names;
        }
        // Not there. In the session that sent it, its receipt would be: it was not applied.
        // In another session the receipt went with the old one, so "not there" may also mean
        // "applied and already taken": only a write the client never sent (SessionExpiredError:
        // requests in flight fail with ConnectionLossError) is safe to send again.
        const sameSession = unknown.sessionId !== 0n && listing.sessionId === unknown.sessionId;
        if (!sameSession && !(unknown.cause instanceof SessionExpiredError)) break;
        unknown = undefined;
      }
      // Between sessions (lost, a new one not yet open) a write would go out in a session we
      // cannot name: wait for it, so a lost reply can be read back in the session that sent it.
      if (client.sessionId === 0n) {
        await client.waitForConnection({ timeoutMs: client.sessionTimeoutMs }).catch(() => {});
      }
      const sessionId = client.sessionId;
      const deletes = attempt === 1 ? this.#takeReceipts(sessionId) : [];
      const tx = client.multi();
      for (const item of chunk) tx.create(this.#itemPath(item), item.data, { mode: 'persistent-sequential' });
      // The receipt comes right after the items: its sequence is the last item's plus one.
      tx.create(`${this.#path}/${RECEIPT_PREFIX}${uuid}-`, undefined, { mode: 'ephemeral-sequential' });
      for (const receipt of deletes) tx.delete(receipt.path);
      try {
        const results = await tx.commit();
        const paths = results.map((r) => (r.type === 'create' ? r.path : ''));
        this.#keepReceipt({ path: paths[n] as string, sessionId });
        return paths.slice(0, n).map(lastSegment);
      } catch (err) {
        lastError = err;
        // Whatever happened to the transaction, those receipts are to be deleted.
        for (const receipt of deletes) this.#deleteReceipt(receipt);
        if (isOutcomeUnknown(err) || isTransientError(err)) {
          unknown = { cause: err, sessionId };
          continue;
        }
        if (!(err instanceof NoNodeError)) throw err; // definite: nothing was written
        const failedOp = err instanceof ZooKeeperError ? err.failedOpIndex : undefined;
        if (failedOp !== undefined && failedOp > n) continue; // a receipt to delete was gone already
        try {
          await ensureQueuePath(client, this.#path); // the queue node is missing
        } catch (mkdirErr) {
          if (!isTransientError(mkdirErr)) throw mkdirErr;
          await sleep(retryDelayMs(attempt));
        }
      }
    }
    if (unknown) {
      throw new PutOutcomeUnknownError(
        uuid,
        chunk.map((item) => item.data),
        { cause: lastError ?? unknown.cause },
      );
    }
    throw lastError;
  }

  /** Lists the parent after a `sync` (our write's zxid never reached us), with the session it was read in. */
  async #list(): Promise<{ children: string[]; sessionId: bigint }> {
    let children: string[];
    try {
      await this.#client.sync(this.#path);
      children = await this.#client.getChildren(this.#path);
    } catch (err) {
      if (!(err instanceof NoNodeError)) throw err;
      children = [];
    }
    return { children, sessionId: this.#client.sessionId };
  }

  /** Keeps a confirmed put's receipt until the next put deletes it, or the flush does. */
  #keepReceipt(receipt: Receipt): void {
    this.#receipts.push(receipt);
    if (this.#flushTimer === undefined) {
      // Puts issued in the same turn (a producer loop, a window of puts in flight) take the
      // receipts into their own transaction; the timer only deletes what no put took.
      this.#flushTimer = setTimeout(() => this.flush(), 0);
      this.#flushTimer.unref();
    }
  }

  /** Receipts of the current session to delete in the next transaction (others are gone). */
  #takeReceipts(sessionId: bigint): Receipt[] {
    if (this.#receipts.length === 0) return [];
    const current = this.#receipts.filter((r) => r.sessionId === sessionId);
    const taken = current.slice(0, MAX_PIGGYBACKED_DELETES);
    this.#receipts = current.slice(MAX_PIGGYBACKED_DELETES);
    return taken;
  }

  #deleteReceipt(receipt: Receipt): void {
    if (this.#client.sessionId !== receipt.sessionId) return; // it went with its session
    void guaranteedDelete(this.#client, receipt.path, { ephemeralOwner: receipt.sessionId }).catch(() => {});
  }
}
