// Delayed takeover for LeaderLatch (Canal style): the leader records itself in the latch
// node's data; when its node vanishes without a clean close, the next in line waits out a
// delay before claiming, and the recorded leader may come back (in a new session) and reclaim.
import type { ZooKeeperClient } from '../../src/index.js';
import { childPath } from '../internal/path-segment.js';
import type { ProtectedNode } from '../internal/protected-create.js';
import type { SequentialNode } from '../internal/sequence.js';
import { abortable, sleep } from '../internal/wait-signal.js';
import { watchTrigger } from '../internal/watch-trigger.js';
import { casRecord, readRecord } from './latch-participants.js';

/** What the latch loop does next. */
export type LatchStep =
  | { type: 'leader'; node: ProtectedNode }
  | { type: 'wait'; path: string }
  | { type: 'delay'; ms: number }
  | { type: 'recreate' }
  | { type: 'recheck' };

/**
 * The takeover-delay rules of one latch participant. Every claim of leadership is a
 * compare-and-set of the record (`{ leader, node }` + data version), so two claims can never
 * both succeed, and the record names a node, so two participants that share an id cannot both
 * take it for theirs. Rules, for our node at `ourIndex` in line:
 * - the recorded node is alive and not ours: the first in line waits for it to go (others wait
 *   for their predecessor as usual);
 * - the recorded node is ours, or the record is ours by id and its node is gone (we came back
 *   in a new session): we claim at once, wherever we are in line;
 * - the record names someone else whose node is gone: the first in line claims once that has
 *   been so for `delayMs` (measured from when it first saw it, per record version);
 * - no record (first election, or a clean close): the first in line claims at once.
 *
 * @example
 * ```ts
 * const takeover = new TakeoverDelay(client, '/election', 'node-1', 5_000);
 * const step = await takeover.decide(node, contenders, ourIndex, verify, signal);
 * ```
 */
export class TakeoverDelay {
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #id: string;
  readonly #delayMs: number;
  #absent: { version: number; sinceMs: number } | undefined;
  #claim: { node: string; version: number } | undefined;

  constructor(client: ZooKeeperClient, path: string, id: string, delayMs: number) {
    this.#client = client;
    this.#path = path;
    this.#id = id;
    this.#delayMs = delayMs;
  }

  /** Decides the next step; `verify` checks that our node is owned by the current session. */
  async decide(
    node: ProtectedNode,
    contenders: readonly SequentialNode[],
    ourIndex: number,
    verify: () => Promise<boolean>,
    signal: AbortSignal,
  ): Promise<LatchStep> {
    const record = await readRecord(this.#client, this.#path, signal);
    const recordedAlive = record.node !== undefined && contenders.some((n) => n.name === record.node);
    const predecessor = (): LatchStep => ({
      type: 'wait',
      path: childPath(this.#path, (contenders[ourIndex - 1] as SequentialNode).name),
    });
    let claim = false;
    if (recordedAlive && record.node !== node.name) {
      this.#absent = undefined;
      return ourIndex === 0
        ? { type: 'wait', path: childPath(this.#path, record.node as string) }
        : predecessor();
    }
    if (record.node === node.name || (record.leaderId === this.#id && !recordedAlive)) {
      claim = true; // ours: still, or again after a new session
    } else if (ourIndex > 0) {
      return predecessor();
    } else if (record.leaderId === undefined) {
      claim = true; // nobody led before us, or the last leader left cleanly
    } else {
      const now = Date.now();
      if (this.#absent?.version !== record.version) this.#absent = { version: record.version, sinceMs: now };
      const waited = now - this.#absent.sinceMs;
      if (waited < this.#delayMs) return { type: 'delay', ms: this.#delayMs - waited };
      claim = true;
    }
    if (!claim) return { type: 'recheck' };
    if (!(await verify())) return { type: 'recreate' };
    const stat = await casRecord(
      this.#client,
      this.#path,
      { leaderId: this.#id, node: node.name },
      record.version,
    );
    if (!stat) return { type: 'recheck' };
    this.#claim = { node: node.name, version: stat.version };
    this.#absent = undefined;
    return { type: 'leader', node };
  }

  /**
   * Waits out (part of) the delay, waking early when the participants or the record change:
   * a clean close clears the record, and a returning leader adds its node.
   */
  async waitOut(ms: number, stop: AbortSignal): Promise<void> {
    const children = watchTrigger();
    const record = watchTrigger();
    const timer = new AbortController();
    try {
      await this.#client.getChildren(this.#path, { watch: children.listener, signal: stop });
      await this.#client.getData(this.#path, { watch: record.listener, signal: stop });
      await abortable(
        Promise.race([children.fired, record.fired, sleep(ms, timer.signal).catch(() => {})]),
        stop,
      );
    } finally {
      timer.abort();
      children.dispose(this.#client, this.#path, 'children');
      record.dispose(this.#client, this.#path, 'data');
    }
  }

  /** On a clean close: clears our record (if it is still ours) so the successor need not wait. */
  async release(node: ProtectedNode): Promise<void> {
    const claim = this.#claim;
    this.#claim = undefined;
    if (!claim || claim.node !== node.name || this.#client.sessionId !== node.stat.ephemeralOwner) return;
    await casRecord(this.#client, this.#path, undefined, claim.version).catch(() => null);
  }
}
