/**
 * The content of an item's owner node, plus the node's owning session.
 *
 * @example
 * ```ts
 * const o: OwnerRecord = { worker: 'w1', nonce: 'f3…', sessionId: 0x1234n, czxid: 0x99n };
 * ```
 */
export interface OwnerRecord {
  /** The owning worker's id. */
  readonly worker: string;
  /** Random per `WorkAssignment` object: tells this process's nodes from a namesake's. */
  readonly nonce: string;
  /** `ephemeralOwner` of the owner node. */
  readonly sessionId: bigint;
  /** `czxid` of the owner node: tells one incarnation of the node from the next. */
  readonly czxid: bigint;
}

/**
 * Owner node data.
 *
 * @example
 * ```ts
 * client.create(path, encodeOwner('w1', nonce), { mode: 'ephemeral' });
 * ```
 */
export function encodeOwner(worker: string, nonce: string): string {
  return JSON.stringify({ worker, nonce });
}

/**
 * Parses owner node data; an unreadable node (written by something else) yields worker `''`,
 * which no live worker has, so the item simply stays taken until that node goes away.
 *
 * @example
 * ```ts
 * const owner = decodeOwner(data, stat);
 * ```
 */
export function decodeOwner(data: Buffer, stat: { ephemeralOwner: bigint; czxid: bigint }): OwnerRecord {
  const { ephemeralOwner: sessionId, czxid } = stat;
  try {
    const v = JSON.parse(data.toString('utf8')) as { worker?: unknown; nonce?: unknown };
    return {
      worker: typeof v.worker === 'string' ? v.worker : '',
      nonce: typeof v.nonce === 'string' ? v.nonce : '',
      sessionId,
      czxid,
    };
  } catch {
    return { worker: '', nonce: '', sessionId, czxid };
  }
}
