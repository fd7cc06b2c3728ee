import {
  BadVersionError,
  type CallOptions,
  NodeExistsError,
  NoNodeError,
  type OpResult,
  type Stat,
  type Transaction,
  type ZooKeeperClient,
} from '../../src/index.js';
import { sleep } from '../internal/abortable.js';
import { isTransientError, retryDelayMs } from '../internal/wait-for-delete.js';
import { decodeOwner, encodeOwner } from './owner-record.js';
import type { WorkPaths } from './work-paths.js';

/**
 * An item node's data at a version, as read (or as our own claim left it): what a claim
 * re-writes to bump the version.
 *
 * @example
 * ```ts
 * const known: ItemSnapshot = { data: Buffer.from('{}'), version: 3, mzxid: 0x1002n };
 * ```
 */
export interface ItemSnapshot {
  readonly data: Buffer;
  readonly version: number;
  /** The zxid of the write that made this version. */
  readonly mzxid: bigint;
}

/**
 * How a claim ended: `claimed` (with the new epoch, the owner node's czxid and the item as the
 * claim left it), `taken` (an owner node exists), `changed` (the item was modified meanwhile:
 * try again), `gone` (the item was removed), `failed`.
 *
 * @example
 * ```ts
 * const r: ClaimResult = { kind: 'taken' };
 * ```
 */
export type ClaimResult =
  | {
      readonly kind: 'claimed';
      readonly epoch: number;
      readonly czxid: bigint;
      readonly item: ItemSnapshot;
    }
  | { readonly kind: 'taken' | 'changed' | 'gone' }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * A successful {@link ClaimResult}.
 *
 * @example
 * ```ts
 * if (r.kind === 'claimed') hold(item, r satisfies Claimed);
 * ```
 */
export type Claimed = Extract<ClaimResult, { kind: 'claimed' }>;

/** Adds one item's claim to `tx`: create its owner node, re-write the item at `snapshot`'s version. */
function addClaim(
  tx: Transaction,
  paths: WorkPaths,
  item: string,
  snapshot: ItemSnapshot,
  worker: string,
  nonce: string,
): void {
  tx.create(paths.owner(item), encodeOwner(worker, nonce), { mode: 'ephemeral' });
  tx.setData(paths.item(item), snapshot.data, { version: snapshot.version });
}

/** The claim a committed {@link addClaim} made, from its setData's new stat. */
function claimedFrom(data: Buffer, stat: Stat): Claimed {
  return {
    kind: 'claimed',
    epoch: stat.version,
    // one multi is one transaction: the owner nodes it creates have its zxid as czxid, which
    // is also the item's new mzxid
    czxid: stat.mzxid,
    item: { data, version: stat.version, mzxid: stat.mzxid },
  };
}

/**
 * Takes an item in one multi: create its ephemeral owner node and re-write the item's data at
 * its current version, which bumps that version: the new epoch (fencing token). With `known`
 * (the item as last read) the multi goes out at once; when the item moved on since, the
 * version check fails, nothing is written, and the claim reads the item and tries once more.
 * The version check also guarantees that the data written back is the data at that version:
 * a user's edit of the item is never overwritten.
 *
 * @example
 * ```ts
 * const r = await claimItem(client, paths, 'host-1', 'w1', nonce);
 * ```
 */
export async function claimItem(
  client: ZooKeeperClient,
  paths: WorkPaths,
  item: string,
  worker: string,
  nonce: string,
  known?: ItemSnapshot,
): Promise<ClaimResult> {
  const itemPath = paths.item(item);
  let snapshot = known;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!snapshot) {
        const { data, stat } = await client.getData(itemPath);
        snapshot = { data, version: stat.version, mzxid: stat.mzxid };
      }
      const tx = client.multi();
      addClaim(tx, paths, item, snapshot, worker, nonce);
      const [, written] = await tx.commit();
      if (written?.type !== 'setData') {
        return { kind: 'failed', error: new Error(`unexpected multi results claiming ${item}`) };
      }
      return claimedFrom(snapshot.data, written.stat);
    } catch (error) {
      if (error instanceof NodeExistsError) return { kind: 'taken' };
      if (error instanceof BadVersionError) {
        if (known !== undefined && attempt === 0) {
          snapshot = undefined; // what we knew was stale: read it and try again
          continue;
        }
        return { kind: 'changed' };
      }
      if (error instanceof NoNodeError) return { kind: 'gone' };
      return { kind: 'failed', error };
    }
  }
}

/**
 * Claims several items in ONE multi (each: create its owner node, re-write the item at the
 * version we know), so that they cost one transaction instead of one each. All or nothing:
 * resolves with each item's claim, or `undefined` when the multi failed for any reason (an
 * item was taken or had moved on, a connection loss...); the caller then claims them one by
 * one, which sorts out each item (a multi that was applied although its reply was lost shows up
 * as our own owner nodes, adopted like any other).
 *
 * @example
 * ```ts
 * const claimed = await claimItemsTogether(client, paths, [{ item: 'a', known }], 'w1', nonce);
 * ```
 */
export async function claimItemsTogether(
  client: ZooKeeperClient,
  paths: WorkPaths,
  items: readonly { item: string; known: ItemSnapshot }[],
  worker: string,
  nonce: string,
): Promise<Map<string, Claimed> | undefined> {
  const tx = client.multi();
  for (const { item, known } of items) addClaim(tx, paths, item, known, worker, nonce);
  let results: OpResult[];
  try {
    results = await tx.commit();
  } catch {
    return undefined;
  }
  const claimed = new Map<string, Claimed>();
  items.forEach(({ item, known }, i) => {
    const written = results[2 * i + 1];
    if (written?.type === 'setData') claimed.set(item, claimedFrom(known.data, written.stat));
  });
  return claimed;
}

/**
 * The current fence of an item we believe we own: the item's version when its owner node is
 * ours (our nonce, the client's current session); `null` when it is not ours; `undefined` when
 * it could not be read (transient error: unknown).
 *
 * @example
 * ```ts
 * const fence = await readOwnFence(client, paths, 'host-1', nonce);
 * ```
 */
export async function readOwnFence(
  client: ZooKeeperClient,
  paths: WorkPaths,
  item: string,
  nonce: string,
): Promise<number | null | undefined> {
  try {
    const [owner, itemNode] = await client.multiRead([
      { type: 'getData', path: paths.owner(item) },
      { type: 'getData', path: paths.item(item) },
    ]);
    if (owner?.type !== 'getData' || itemNode?.type !== 'getData') return null;
    const o = decodeOwner(owner.data, owner.stat);
    return o.nonce === nonce && o.sessionId === client.sessionId ? itemNode.stat.version : null;
  } catch {
    return undefined;
  }
}

/**
 * Writes `<item>/progress` only if the item's version still equals `fence` (one multi: check +
 * setData, or check + create for the first write). Resolves `false` when the fence no longer
 * matches; rejects with `NoNodeError` when the item is gone, or the client's error.
 *
 * @example
 * ```ts
 * if (!(await writeFencedProgress(client, paths, 'host-1', fence, '42'))) refreshFence();
 * ```
 */
export async function writeFencedProgress(
  client: ZooKeeperClient,
  paths: WorkPaths,
  item: string,
  fence: number,
  value: Uint8Array | string,
  opts: CallOptions = {},
): Promise<boolean> {
  const itemPath = paths.item(item);
  const progressPath = paths.progress(item);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await client.multi().check(itemPath, fence).setData(progressPath, value).commit(opts);
      return true;
    } catch (err) {
      if (err instanceof BadVersionError) return false;
      const failedOp = (err as { failedOpIndex?: number }).failedOpIndex;
      if (!(err instanceof NoNodeError && failedOp === 1)) throw err;
    }
    try {
      await client.multi().check(itemPath, fence).create(progressPath, value).commit(opts);
      return true;
    } catch (err) {
      if (err instanceof BadVersionError) return false;
      if (!(err instanceof NodeExistsError)) throw err;
    }
  }
  return false;
}

/**
 * Deletes an item's owner node only if it is OURS (our nonce, in the session `sessionId`), and
 * keeps trying through connection loss. Never deletes another worker's node: the node is read
 * first, and a node with our nonce can only disappear through us (or our session's end), so it
 * cannot be replaced between that read and the delete. Resolves with the `czxid` of the node it
 * deleted, or `undefined` when there was nothing of ours to delete (gone, someone else's, our
 * session is over, client closed).
 *
 *
 * With `fenced` (our claim's fence and owner czxid) it first tries one round trip: a multi that
 * checks the item is still at our fence and deletes the owner node. Only a claim moves the
 * item's version, and every claim creates an owner node, so while the item is at our fence the
 * owner node is ours. When the check fails (a user edited the item, say) it falls back to
 * reading the node.
 *
 * @example
 * ```ts
 * const deleted = await releaseOwnerNode(client, paths, 'host-1', nonce, client.sessionId);
 * ```
 */
export async function releaseOwnerNode(
  client: ZooKeeperClient,
  paths: WorkPaths,
  item: string,
  nonce: string,
  sessionId: bigint,
  fenced?: { fence: number; czxid: bigint },
): Promise<bigint | undefined> {
  const path = paths.owner(item);
  if (fenced && fenced.fence >= 0 && client.sessionId === sessionId) {
    try {
      await client.multi().check(paths.item(item), fenced.fence).delete(path).commit();
      return fenced.czxid;
    } catch (err) {
      // the item is gone (and with it its owner node), or the owner node is: nothing to delete
      if (err instanceof NoNodeError) return undefined;
      // BadVersion (the item moved on) or a transient error: read and decide below
    }
  }
  for (let attempt = 1; ; attempt++) {
    if (client.state === 'closed' || client.state === 'lost' || client.sessionId !== sessionId)
      return undefined;
    try {
      const { data, stat } = await client.getData(path);
      const owner = decodeOwner(data, stat);
      if (owner.nonce !== nonce || owner.sessionId !== sessionId) return undefined;
      await client.delete(path, { version: stat.version });
      return stat.czxid;
    } catch (err) {
      if (err instanceof NoNodeError) return undefined;
      if (!(isTransientError(err) || err instanceof BadVersionError)) return undefined;
      await sleep(retryDelayMs(attempt));
    }
  }
}
