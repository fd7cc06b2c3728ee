// Entry point of the two-phase commit recipe.
import type { ZooKeeperClient } from '../../src/index.js';
import { type CoordinatorHandle, type CoordinatorOptions, openTransaction } from './coordinator.js';
import { TwoPhaseParticipant } from './participant.js';

/**
 * Two-phase commit over ZooKeeper (the ZooKeeper recipe of that name). A coordinator opens a
 * transaction node listing the participants and a deadline; each participant votes `commit`
 * or `abort` under it; the outcome is `commit` only if every participant voted `commit` before
 * the deadline, otherwise `abort`. Every party learns the outcome through a children watch on
 * the transaction node.
 *
 * Layout: `<path>/_c_<uuid>-tx-<seq>` (persistent, JSON metadata: participants, deadline,
 * payload), and under it `vote-<id>`, `outcome` and `ack-<id>`. The outcome node is created
 * exactly once — whoever creates it first decides, and everyone else reads it — so the
 * coordinator, a participant voting `abort`, and a participant whose deadline passed can all
 * write it without ever disagreeing (a compare-and-set by `create`). The coordinator writes
 * `commit` only before the deadline; after the deadline anyone writes `abort`.
 *
 * **Coordinator crash.** Participants do not depend on the coordinator to finish: an outcome
 * already written is read from ZooKeeper; an undecided transaction is aborted by the first
 * participant whose deadline passes. The transaction node stays behind (there is nobody to
 * collect acknowledgements); delete old transactions with `client.deleteRecursive`. The
 * classic 2PC caveat remains: a participant that voted `commit` must hold its prepared work
 * until it learns the outcome.
 *
 * **Connection loss.** Nothing in the recipe is ephemeral, so `suspended` and `lost` only delay
 * the parties: reads and creates are retried in the same or the new session, watches are
 * re-armed, and votes and outcomes are create-once, so a retried create whose first reply was
 * lost is recognised (NodeExists → read back the recorded value).
 *
 * @example
 * ```ts
 * const tx = await TwoPhaseCommit.coordinator(client, '/2pc', {
 *   participants: ['billing', 'stock'],
 *   timeoutMs: 5_000,
 *   payload: JSON.stringify({ order: 42 }),
 * });
 * // in each participant process:
 * const outcome = await TwoPhaseCommit.participant(client, '/2pc', 'billing')
 *   .vote(tx.txId, async (payload) => ((await reserve(payload)) ? 'commit' : 'abort'));
 * console.log(await tx.outcome, outcome); // the same for everyone
 * ```
 */
export class TwoPhaseCommit {
  private constructor() {}

  /**
   * Opens a transaction and coordinates it in the background; resolves once the transaction
   * node exists (its id is what participants vote on).
   *
   * @example
   * ```ts
   * const { txId, outcome } = await TwoPhaseCommit.coordinator(client, '/2pc', { participants: ['a'], timeoutMs: 1_000 });
   * ```
   */
  static coordinator(
    client: ZooKeeperClient,
    path: string,
    options: CoordinatorOptions,
  ): Promise<CoordinatorHandle> {
    return openTransaction(client, path, options);
  }

  /**
   * A participant handle for `id` under `path`.
   *
   * @example
   * ```ts
   * const outcome = await TwoPhaseCommit.participant(client, '/2pc', 'a').vote(txId, () => 'commit');
   * ```
   */
  static participant(client: ZooKeeperClient, path: string, id: string): TwoPhaseParticipant {
    return new TwoPhaseParticipant(client, path, id);
  }
}
