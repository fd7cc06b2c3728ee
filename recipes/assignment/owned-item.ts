/**
 * An item this worker owns and may work on now.
 *
 * @example
 * ```ts
 * for (const a of assignments) startTailing(a.item, a.signal);
 * ```
 */
export interface OwnedItem {
  /** The item's name. */
  readonly item: string;
  /**
   * The item node's data version right after this worker took it: grows with every change of
   * owner, so it can serve as a fencing token in systems outside ZooKeeper.
   */
  readonly epoch: number;
  /**
   * Aborts the moment this worker must stop working on the item: with a `NotItemOwnerError` when
   * the item moves to another worker, a `SessionLostError` (reason `suspended`, `expired`,
   * `closed` or `node-deleted`) otherwise.
   */
  readonly signal: AbortSignal;
}
