/**
 * `ReadWriteLock`: many readers or one writer (Curator's `InterProcessReadWriteLock` layout,
 * kazoo's herd-free waiting rule).
 * @module
 */
import { InvalidArgumentError, type ZooKeeperClient } from '../../src/index.js';
import { RecipeError } from '../internal/errors.js';
import { protectedCreate } from '../internal/protected-create.js';
import { formatSequence, parseSequentialName } from '../internal/sequence.js';
import { combineSignal, type WaitOptions } from '../internal/wait-signal.js';
import {
  READ_NODE_NAME,
  readDriver,
  readWriteParticipantsDriver,
  WRITE_NODE_NAME,
  writeDriver,
} from './lock-drivers.js';
import { LockHandle } from './lock-handle.js';
import { listParticipants, type Participant } from './participants.js';
import { defaultParticipantId, type LockOptions, SequentialLock } from './sequential-lock.js';

const kindOf = (base: string): Participant['kind'] => (base.endsWith(WRITE_NODE_NAME) ? 'write' : 'read');

/**
 * A distributed read/write lock. Readers and writers queue in one sequence under `path`
 * (`_c_<uuid>-__READ__NNNNNNNNNN` / `_c_<uuid>-__WRIT__NNNNNNNNNN`, Curator's names, so Curator
 * clients share the lock). A writer owns the lock when it is first, and otherwise watches only its
 * immediate predecessor; a reader owns it when no writer is ahead of it, and otherwise watches only
 * the nearest writer ahead (so a writer's release wakes the readers right behind it, which may all
 * proceed: that is not a herd effect). Only lower sequences are ever waited for, so a reader and a
 * writer can never wait for each other (kazoo#649). Fair: a queued writer blocks later readers.
 *
 * **Downgrade** write → read is supported: `const r = await rw.downgrade(w); await w.release();`
 * (the read node takes the write node's place in the queue, so no writer can slip in). **Upgrade**
 * read → write is not: acquiring the write lock while holding a read lock on the same path waits
 * for yourself forever (as in Curator); release the read lock first.
 *
 * **Connection loss.** As for `Mutex`: waiting survives `suspended`; on `lost` a holder's handle
 * reports it via `lost`/`lost$`, and a waiter re-queues in the new session.
 *
 * @example
 * ```ts
 * const rw = new ReadWriteLock(client, '/locks/catalog');
 * await using r = await rw.readLock.acquire({ timeoutMs: 5_000 });
 * const catalog = await loadCatalog();
 * ```
 */
export class ReadWriteLock {
  /** The lock's path. */
  readonly path: string;
  /** Shared side: many holders at once when no writer is ahead. */
  readonly readLock: SequentialLock;
  /** Exclusive side. */
  readonly writeLock: SequentialLock;
  readonly #client: ZooKeeperClient;
  readonly #options: LockOptions;

  constructor(client: ZooKeeperClient, path: string, options: LockOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.readLock = new SequentialLock(client, path, READ_NODE_NAME, readDriver(), kindOf, options);
    this.writeLock = new SequentialLock(client, path, WRITE_NODE_NAME, writeDriver(), kindOf, options);
    this.path = path;
  }

  /**
   * Turns a held write lock into a read lock without letting a writer in between: creates a read
   * node that takes the write node's place in the queue and returns its handle. Release the write
   * handle afterwards (until then you hold both).
   *
   * @example
   * ```ts
   * const w = await rw.writeLock.acquire();
   * await update();
   * const r = await rw.downgrade(w);
   * await w.release();
   * ```
   */
  async downgrade(writeHandle: LockHandle, opts: WaitOptions = {}): Promise<LockHandle> {
    const parsed = parseSequentialName(writeHandle.nodeName);
    if (!parsed?.base.endsWith(WRITE_NODE_NAME) || !writeHandle.path.startsWith(`${this.path}/`)) {
      throw new InvalidArgumentError(`not a write lock handle of ${this.path}: ${writeHandle.path}`);
    }
    if (!writeHandle.isHeld) throw new RecipeError(`write lock ${writeHandle.path} is no longer held`);
    const node = await protectedCreate(
      this.#client,
      this.path,
      `${READ_NODE_NAME}${formatSequence(parsed.sequence)}`,
      {
        mode: 'ephemeral',
        data: this.#options.participantId ?? defaultParticipantId(),
        signal: combineSignal(opts),
      },
    );
    return new LockHandle(this.#client, node, { suspendedIsLost: this.#options.suspendedIsLost ?? false });
  }

  /**
   * Lists readers and writers in queue order with their roles.
   *
   * @example
   * ```ts
   * const writers = (await rw.participants()).filter((p) => p.kind === 'write');
   * ```
   */
  participants(opts: { signal?: AbortSignal } = {}): Promise<Participant[]> {
    return listParticipants(this.#client, this.path, readWriteParticipantsDriver(), kindOf, opts);
  }
}
