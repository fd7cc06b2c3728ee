// Node layout of a two-phase commit transaction and the reads both roles share.
//
//   <path>/<txId>                  persistent; JSON TxMeta (participants, deadline, payload)
//   <path>/<txId>/vote-<id>        one per participant; 'commit' | 'abort' (created once)
//   <path>/<txId>/outcome          'commit' | 'abort'; created once: the first create wins (CAS)
//   <path>/<txId>/ack-<id>         a participant has learned the outcome
import { NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { retryTransient } from '../internal/retry-transient.js';
import { CorruptTransactionError, TransactionNotFoundError } from './errors.js';

/** The decision of a transaction, and each participant's vote. */
export type Outcome = 'commit' | 'abort';

/** Name of the outcome node. */
export const OUTCOME_NODE = 'outcome';
/** Prefix of vote nodes. */
export const VOTE_PREFIX = 'vote-';
/** Prefix of acknowledgement nodes. */
export const ACK_PREFIX = 'ack-';

/** What the coordinator writes into the transaction node. */
export interface TxMeta {
  /** Participant ids that must vote. */
  readonly participants: readonly string[];
  /** Epoch ms after which an undecided transaction aborts. */
  readonly deadlineMs: number;
  /** Opaque payload for the participants (what to commit). */
  readonly payload: Buffer;
}

/** Checks a participant id: a non-empty node-name fragment. */
export function assertParticipantId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.includes('/') || id.length > 200) {
    throw new RangeError(`participant id must be a non-empty name without '/', got '${String(id)}'`);
  }
}

/** Serialises a transaction's metadata. */
export function encodeMeta(meta: TxMeta): string {
  return JSON.stringify({
    version: 1,
    participants: meta.participants,
    deadlineMs: meta.deadlineMs,
    payload: meta.payload.toString('base64'),
  });
}

/** Parses a transaction's metadata. */
export function decodeMeta(txId: string, data: Buffer): TxMeta {
  try {
    const raw = JSON.parse(data.toString('utf8')) as {
      participants?: unknown;
      deadlineMs?: unknown;
      payload?: unknown;
    };
    if (
      !Array.isArray(raw.participants) ||
      !raw.participants.every((p) => typeof p === 'string') ||
      typeof raw.deadlineMs !== 'number' ||
      typeof raw.payload !== 'string'
    ) {
      throw new Error('missing fields');
    }
    return {
      participants: raw.participants as string[],
      deadlineMs: raw.deadlineMs,
      payload: Buffer.from(raw.payload, 'base64'),
    };
  } catch (err) {
    throw new CorruptTransactionError(`transaction ${txId} has no valid metadata`, { cause: err });
  }
}

/** Parses an outcome or vote value. */
export function parseOutcome(data: Buffer): Outcome {
  return data.toString('utf8') === 'commit' ? 'commit' : 'abort';
}

/** Reads a transaction's metadata. */
export async function readMeta(
  client: ZooKeeperClient,
  txPath: string,
  txId: string,
  signal?: AbortSignal,
): Promise<TxMeta> {
  const read = () => retryTransient(() => client.getData(txPath, { signal }), signal);
  try {
    return decodeMeta(txId, (await read()).data);
  } catch (err) {
    if (!(err instanceof NoNodeError)) throw err;
  }
  // A txId usually reaches a participant out of band (a message from the coordinator), so our
  // server may not have applied the coordinator's create yet: catch up with the leader once.
  try {
    await retryTransient(() => client.sync(txPath, { signal }), signal);
    return decodeMeta(txId, (await read()).data);
  } catch (err) {
    if (err instanceof NoNodeError) throw new TransactionNotFoundError(txId);
    throw err;
  }
}

/**
 * Writes the outcome unless one exists (the create is the compare-and-set); resolves to the
 * outcome that holds, ours or the earlier one.
 */
export async function decideOutcome(
  client: ZooKeeperClient,
  txPath: string,
  outcome: Outcome,
): Promise<Outcome> {
  const path = `${txPath}/${OUTCOME_NODE}`;
  return retryTransient(async () => {
    try {
      await client.create(path, outcome, { mode: 'persistent' });
      return outcome;
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      // Someone decided first, or our own create went through and its reply was lost.
      return parseOutcome((await client.getData(path)).data);
    }
  });
}

/** Reads the outcome node; `undefined` when undecided. */
export async function readOutcome(
  client: ZooKeeperClient,
  txPath: string,
  signal?: AbortSignal,
): Promise<Outcome | undefined> {
  try {
    const { data } = await retryTransient(
      () => client.getData(`${txPath}/${OUTCOME_NODE}`, { signal }),
      signal,
    );
    return parseOutcome(data);
  } catch (err) {
    if (err instanceof NoNodeError) return undefined;
    throw err;
  }
}

/** Reads the votes present among `children`: participant id → vote. */
export async function readVotes(
  client: ZooKeeperClient,
  txPath: string,
  children: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Outcome>> {
  const names = children.filter((c) => c.startsWith(VOTE_PREFIX));
  const votes = new Map<string, Outcome>();
  if (names.length === 0) return votes;
  const ops = names.map((name) => ({ type: 'getData' as const, path: `${txPath}/${name}` }));
  const results = await retryTransient(() => client.multiRead(ops, { signal }), signal);
  results.forEach((result, i) => {
    if (result.type === 'getData')
      votes.set((names[i] as string).slice(VOTE_PREFIX.length), parseOutcome(result.data));
  });
  return votes;
}
