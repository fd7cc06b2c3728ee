// The participant side of a two-phase commit: vote once, then learn the outcome by watch.
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { ChildrenWatch } from '../internal/children-watch.js';
import { retryTransient } from '../internal/retry-transient.js';
import { abortable, combineSignal, sleep, type WaitOptions } from '../internal/wait-signal.js';
import { NotAParticipantError, TransactionNotFoundError } from './errors.js';
import {
  ACK_PREFIX,
  assertParticipantId,
  decideOutcome,
  OUTCOME_NODE,
  type Outcome,
  parseOutcome,
  readMeta,
  readOutcome,
  VOTE_PREFIX,
} from './tx-layout.js';

/** What a participant's `decide` callback receives. */
export interface VoteContext {
  /** The transaction id. */
  readonly txId: string;
  /** Every participant of the transaction. */
  readonly participants: readonly string[];
  /** Epoch ms of the voting deadline. */
  readonly deadlineMs: number;
  /** Aborts at the deadline (a late vote cannot commit) or when the caller's signal aborts. */
  readonly signal: AbortSignal;
}

/**
 * A participant's decision: prepare the work and answer `commit`, or refuse with `abort`.
 * (TypeScript widens the literal of a parameterless async arrow: write
 * `async () => 'commit' as const` or give it a return type.)
 */
export type DecideFn = (payload: Buffer, context: VoteContext) => Promise<Outcome> | Outcome;

/** Slack after the deadline before a participant aborts an undecided transaction itself. */
const DEADLINE_GRACE_MS = 50;

/**
 * One participant id under a two-phase commit path. See {@link TwoPhaseCommit}.
 *
 * @example
 * ```ts
 * const me = new TwoPhaseParticipant(client, '/2pc', 'billing');
 * const outcome = await me.vote(txId, async (payload) => ((await prepare(payload)) ? 'commit' : 'abort'));
 * ```
 */
export class TwoPhaseParticipant {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #id: string;

  constructor(client: ZooKeeperClient, path: string, id: string) {
    assertParticipantId(id);
    this.#client = client;
    this.#path = path;
    this.#id = id;
  }

  /** Our participant id. */
  get id(): string {
    return this.#id;
  }

  /**
   * Votes on `txId` and resolves with the outcome once it is decided. `decide` runs at most
   * once per call and only when we have not voted yet (a repeated call after a crash reuses
   * the recorded vote); if it throws, we vote `abort`. An `abort` vote also writes the
   * outcome at once. If no outcome appears by the deadline, we write `abort` ourselves (the
   * outcome node is created once, so every party sees the same decision). After learning the
   * outcome we acknowledge it so the coordinator can clean up.
   *
   * Rejects with {@link TransactionNotFoundError}, {@link NotAParticipantError}, or
   * `signal.reason` (when aborted before voting we first vote `abort`, best effort).
   *
   * @example
   * ```ts
   * const outcome = await participant.vote(txId, () => 'commit', { timeoutMs: 10_000 });
   * ```
   */
  async vote(txId: string, decide: DecideFn, opts: WaitOptions = {}): Promise<Outcome> {
    const signal = combineSignal(opts);
    const txPath = `${this.#path}/${txId}`;
    const meta = await readMeta(this.#client, txPath, txId, signal);
    if (!meta.participants.includes(this.#id)) throw new NotAParticipantError(txId, this.#id);
    const watch = new ChildrenWatch(this.#client, txPath);
    try {
      let children = await this.#list(watch, txId, signal);
      if (!children.includes(OUTCOME_NODE) && !children.includes(`${VOTE_PREFIX}${this.#id}`)) {
        const vote = await this.#decide(
          decide,
          meta.payload,
          { txId, participants: meta.participants, deadlineMs: meta.deadlineMs },
          signal,
        );
        const recorded = await this.#castVote(txPath, vote);
        if (recorded === 'abort') await decideOutcome(this.#client, txPath, 'abort');
        children = await this.#list(watch, txId, signal);
      }
      const outcome = await this.#awaitOutcome(watch, txPath, txId, meta.deadlineMs, children, signal);
      await this.#ack(txPath);
      return outcome;
    } finally {
      watch.dispose();
    }
  }

  /**
   * Reads the outcome of `txId` without voting; `undefined` while undecided.
   *
   * @example
   * ```ts
   * const outcome = await participant.outcome(txId);
   * ```
   */
  async outcome(txId: string, opts: WaitOptions = {}): Promise<Outcome | undefined> {
    return readOutcome(this.#client, `${this.#path}/${txId}`, combineSignal(opts));
  }

  async #decide(
    decide: DecideFn,
    payload: Buffer,
    context: Omit<VoteContext, 'signal'>,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const deadline = AbortSignal.timeout(Math.max(0, context.deadlineMs - Date.now()));
    const decideSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const vote = await abortable(
        Promise.resolve(decide(payload, { ...context, signal: decideSignal })),
        decideSignal,
      );
      return vote === 'commit' ? 'commit' : 'abort';
    } catch {
      if (signal?.aborted) {
        await this.#castVote(`${this.#path}/${context.txId}`, 'abort').catch(() => {});
        throw signal.reason;
      }
      return 'abort'; // decide threw or missed the deadline: refuse
    }
  }

  /** Creates our vote node once; resolves to the vote on record (ours from an earlier try). */
  async #castVote(txPath: string, vote: Outcome): Promise<Outcome> {
    const path = `${txPath}/${VOTE_PREFIX}${this.#id}`;
    return retryTransient(async () => {
      try {
        await this.#client.create(path, vote, { mode: 'persistent' });
        return vote;
      } catch (err) {
        if (!(err instanceof NodeExistsError)) throw err;
        return parseOutcome((await this.#client.getData(path)).data);
      }
    });
  }

  async #list(watch: ChildrenWatch, txId: string, signal: AbortSignal | undefined): Promise<string[]> {
    try {
      return await retryTransient(() => watch.list(signal ? { signal } : {}), signal);
    } catch (err) {
      if (err instanceof NoNodeError) throw new TransactionNotFoundError(txId);
      throw err;
    }
  }

  async #awaitOutcome(
    watch: ChildrenWatch,
    txPath: string,
    txId: string,
    deadlineMs: number,
    initial: string[],
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    let children = initial;
    for (;;) {
      if (children.includes(OUTCOME_NODE)) {
        const outcome = await readOutcome(this.#client, txPath, signal);
        if (outcome) return outcome;
      }
      if (Date.now() >= deadlineMs + DEADLINE_GRACE_MS) {
        // The coordinator is late or gone: abort through the same create-once outcome node.
        return decideOutcome(this.#client, txPath, 'abort');
      }
      const timer = new AbortController();
      try {
        const untilMs = deadlineMs + DEADLINE_GRACE_MS - Date.now();
        await abortable(Promise.race([watch.changed, sleep(untilMs, timer.signal).catch(() => {})]), signal);
      } finally {
        timer.abort();
      }
      children = await this.#list(watch, txId, signal);
    }
  }

  async #ack(txPath: string): Promise<void> {
    try {
      await retryTransient(() =>
        this.#client.create(`${txPath}/${ACK_PREFIX}${this.#id}`, '', { mode: 'persistent' }),
      );
    } catch (err) {
      // Already acknowledged, or the coordinator has cleaned up: both are fine.
      if (!(err instanceof NodeExistsError) && !(err instanceof NoNodeError)) throw err;
    }
  }
}
