// Reading who takes part in a leader latch, and the takeover-delay marker kept in the latch
// node's data.
import { BadVersionError, NoNodeError, type Stat, type ZooKeeperClient } from '../../src/index.js';
import { childPath } from '../internal/path-segment.js';
import { retryTransient } from '../internal/retry-transient.js';
import { type SequentialNode, sortSequential } from '../internal/sequence.js';

/** Node name of latch participants (Curator's `LeaderLatch`: `latch-`). */
export const LATCH_NAME = 'latch-';

/** One participant of a latch. */
export interface LatchParticipant {
  /** The participant id (the node's data). */
  readonly id: string;
  /** The participant's node name. */
  readonly node: string;
  /** Whether it is the leader (by the latch's rule). */
  readonly isLeader: boolean;
}

/** Latch contenders sorted by sequence. */
export async function sortedContenders(
  client: ZooKeeperClient,
  path: string,
  signal?: AbortSignal,
): Promise<SequentialNode[]> {
  try {
    const children = await retryTransient(() => client.getChildren(path, signal ? { signal } : {}), signal);
    return sortSequential(children, (n) => n.base === LATCH_NAME);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** Reads the participant id stored in each node (nodes that vanished are dropped). */
export async function readIds(
  client: ZooKeeperClient,
  path: string,
  nodes: readonly SequentialNode[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (nodes.length === 0) return ids;
  const ops = nodes.map((n) => ({ type: 'getData' as const, path: childPath(path, n.name) }));
  const results = await retryTransient(() => client.multiRead(ops, signal ? { signal } : {}), signal);
  results.forEach((r, i) => {
    if (r.type === 'getData') ids.set((nodes[i] as SequentialNode).name, r.data.toString('utf8'));
  });
  return ids;
}

/**
 * The takeover-delay record, kept in the latch node's data: who led last (participant id and
 * node name), and the data version (every claim is a compare-and-set on it).
 */
export interface LeaderRecord {
  readonly leaderId: string | undefined;
  readonly node: string | undefined;
  readonly version: number;
}

/** Reads the leader record from the latch node's data. */
export async function readRecord(
  client: ZooKeeperClient,
  path: string,
  signal?: AbortSignal,
): Promise<LeaderRecord> {
  const { data, stat } = await retryTransient(() => client.getData(path, signal ? { signal } : {}), signal);
  return { ...parseRecord(data), version: stat.version };
}

function parseRecord(data: Buffer): { leaderId: string | undefined; node: string | undefined } {
  if (data.length === 0) return { leaderId: undefined, node: undefined };
  try {
    const parsed = JSON.parse(data.toString('utf8')) as { leader?: unknown; node?: unknown };
    const leaderId = typeof parsed.leader === 'string' && parsed.leader !== '' ? parsed.leader : undefined;
    const node = typeof parsed.node === 'string' && parsed.node !== '' ? parsed.node : undefined;
    return { leaderId, node };
  } catch {
    return { leaderId: undefined, node: undefined };
  }
}

/**
 * Compare-and-set of the record: writes `{ leader, node }` (or clears it) if the version is
 * still `version`. Resolves to the new stat, or `null` when someone else wrote first.
 */
export async function casRecord(
  client: ZooKeeperClient,
  path: string,
  holder: { leaderId: string; node: string } | undefined,
  version: number,
): Promise<Stat | null> {
  const data = holder ? JSON.stringify({ leader: holder.leaderId, node: holder.node, at: Date.now() }) : '';
  try {
    return await client.setData(path, data, { version });
  } catch (err) {
    if (err instanceof BadVersionError || err instanceof NoNodeError) return null;
    throw err;
  }
}

/**
 * Lists the participants in queue order and marks the leader: the recorded leader's node when
 * the takeover delay is in use and that node is present, else the first in line.
 */
export async function listParticipants(
  client: ZooKeeperClient,
  path: string,
  useMarker: boolean,
  signal?: AbortSignal,
): Promise<LatchParticipant[]> {
  const nodes = await sortedContenders(client, path, signal);
  const ids = await readIds(client, path, nodes, signal);
  const present = nodes.filter((n) => ids.has(n.name));
  let leaderNode = present[0]?.name;
  if (useMarker && present.length > 0) {
    const record = await readRecord(client, path, signal).catch(() => undefined);
    const holder = present.find((n) => record?.node !== undefined && n.name === record.node);
    if (holder) leaderNode = holder.name;
  }
  return present.map((n) => ({
    id: ids.get(n.name) as string,
    node: n.name,
    isLeader: n.name === leaderNode,
  }));
}
