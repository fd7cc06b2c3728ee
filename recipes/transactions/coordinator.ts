// The coordinator side of a two-phase commit: open the transaction, collect votes by watch,
// decide, then clean up once every participant has acknowledged the outcome.
import type { ZooKeeperClient } from '../../src/index.js';
import { ChildrenWatch } from '../internal/children-watch.js';
import { protectedCreate } from '../internal/protected-create.js';
import { retryTransient } from '../internal/retry-transient.js';
import { abortable, sleep } from '../internal/wait-signal.js';
import {
  ACK_PREFIX,
  assertParticipantId,
  decideOutcome,
  encodeMeta,
  OUTCOME_NODE,
  type Outcome,
  readOutcome,
  readVotes,
} from './tx-layout.js';

/** Options of {@link openTransaction}. */
export interface CoordinatorOptions {
  /** Participant ids that must all vote `commit` (at least one, unique). */
  participants: readonly string[];
  /** Votes must arrive within this many ms of the start, or the transaction aborts. */
  timeoutMs: number;
  /** What the participants are asked to commit (given to their `decide`). */
  payload?: Uint8Array | string;
  /**
   * How long after the decision to wait for every participant's acknowledgement before
   * leaving the transaction node in place (default `timeoutMs`). Once all have acknowledged,
   * the transaction's nodes are deleted.
   */
  ackTimeoutMs?: number;
}

/** A running transaction, as seen by its coordinator. */
export interface CoordinatorHandle extends AsyncDisposable {
  /** The transaction id (node name under the recipe path). */
  readonly txId: string;
  /** The transaction node's path. */
  readonly path: string;
  /** Resolves with the decision once it is written. */
  readonly outcome: Promise<Outcome>;
  /**
   * Resolves once every participant acknowledged the outcome and the transaction's nodes were
   * deleted (`true`), or the acknowledgement timeout passed and they were left (`false`).
   */
  readonly cleanedUp: Promise<boolean>;
  /** Aborts the transaction if it is still undecided; resolves with the outcome that holds. */
  abort(): Promise<Outcome>;
}

function clampTimerMs(ms: number): number {
  return Math.max(0, Math.min(ms, 2 ** 31 - 1));
}

/**
 * Opens a transaction and runs its coordinator in the background.
 *
 * @example
 * ```ts
 * const tx = await openTransaction(client, '/2pc', { participants: ['a', 'b'], timeoutMs: 5_000 });
 * console.log(tx.txId, await tx.outcome);
 * ```
 */
export async function openTransaction(
  client: ZooKeeperClient,
  path: string,
  options: CoordinatorOptions,
): Promise<CoordinatorHandle> {
  const { participants, timeoutMs } = options;
  if (!Array.isArray(participants) || participants.length === 0) {
    throw new RangeError('a transaction needs at least one participant');
  }
  for (const id of participants) assertParticipantId(id);
  if (new Set(participants).size !== participants.length)
    throw new RangeError('participant ids must be unique');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const payload = options.payload === undefined ? Buffer.alloc(0) : Buffer.from(options.payload);
  const deadlineMs = Date.now() + timeoutMs;
  const node = await protectedCreate(client, path, 'tx-', {
    mode: 'persistent-sequential',
    data: encodeMeta({ participants, deadlineMs, payload }),
  });
  const run = new CoordinatorRun(
    client,
    node.path,
    participants,
    deadlineMs,
    options.ackTimeoutMs ?? timeoutMs,
  );
  const outcome = run.decide();
  const cleanedUp = outcome.then(
    () => run.cleanUp(),
    () => false,
  );
  outcome.catch(() => {});
  return {
    txId: node.name,
    path: node.path,
    outcome,
    cleanedUp,
    abort: () => run.abort(),
    [Symbol.asyncDispose]: async () => {
      await run.abort().catch(() => {});
      run.stop();
    },
  };
}

class CoordinatorRun {
  readonly #client: ZooKeeperClient;
  readonly #txPath: string;
  readonly #participants: readonly string[];
  readonly #deadlineMs: number;
  readonly #ackTimeoutMs: number;
  readonly #watch: ChildrenWatch;
  readonly #stopped = new AbortController();

  constructor(
    client: ZooKeeperClient,
    txPath: string,
    participants: readonly string[],
    deadlineMs: number,
    ackTimeoutMs: number,
  ) {
    this.#client = client;
    this.#txPath = txPath;
    this.#participants = participants;
    this.#deadlineMs = deadlineMs;
    this.#ackTimeoutMs = ackTimeoutMs;
    this.#watch = new ChildrenWatch(client, txPath);
  }

  /** Collects votes until a decision; writes it (unless someone else did) and returns it. */
  async decide(): Promise<Outcome> {
    const signal = this.#stopped.signal;
    for (;;) {
      const children = await retryTransient(() => this.#watch.list({ signal }), signal);
      if (children.includes(OUTCOME_NODE)) {
        const decided = await readOutcome(this.#client, this.#txPath, signal);
        if (decided) return decided;
      }
      const votes = await readVotes(this.#client, this.#txPath, children, signal);
      if ([...votes.values()].includes('abort')) return decideOutcome(this.#client, this.#txPath, 'abort');
      if (this.#participants.every((p) => votes.get(p) === 'commit')) {
        // Commit only before the deadline: after it, participants may already abort.
        return decideOutcome(this.#client, this.#txPath, Date.now() < this.#deadlineMs ? 'commit' : 'abort');
      }
      if (Date.now() >= this.#deadlineMs) return decideOutcome(this.#client, this.#txPath, 'abort');
      await this.#waitForChange(this.#deadlineMs);
    }
  }

  /** Waits for every acknowledgement, then deletes the transaction. */
  async cleanUp(): Promise<boolean> {
    const until = Date.now() + this.#ackTimeoutMs;
    try {
      for (;;) {
        const children = await retryTransient(
          () => this.#watch.list({ signal: this.#stopped.signal }),
          this.#stopped.signal,
        );
        const acked = new Set(
          children.filter((c) => c.startsWith(ACK_PREFIX)).map((c) => c.slice(ACK_PREFIX.length)),
        );
        if (this.#participants.every((p) => acked.has(p))) {
          await retryTransient(() => this.#client.deleteRecursive(this.#txPath));
          return true;
        }
        if (Date.now() >= until) return false;
        await this.#waitForChange(until);
      }
    } catch {
      return false;
    } finally {
      this.#watch.dispose();
    }
  }

  async abort(): Promise<Outcome> {
    return decideOutcome(this.#client, this.#txPath, 'abort');
  }

  stop(): void {
    this.#stopped.abort(new DOMException('coordinator stopped', 'AbortError'));
    this.#watch.dispose();
  }

  async #waitForChange(untilMs: number): Promise<void> {
    const timer = new AbortController();
    try {
      await abortable(
        Promise.race([
          this.#watch.changed,
          sleep(clampTimerMs(untilMs - Date.now()), timer.signal).catch(() => {}),
        ]),
        this.#stopped.signal,
      );
    } finally {
      timer.abort();
    }
  }
}
