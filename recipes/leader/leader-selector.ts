// Leader election that runs work while leading (Curator's LeaderSelector): the function gets
// an AbortSignal that fires when leadership is lost; leadership is released when it returns.
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import { abortable, type WaitOptions } from '../internal/wait-signal.js';
import { LatchClosedError, LeadershipLostError } from './errors.js';
import { type LeaderFencingToken, LeaderLatch, type LeaderLatchOptions } from './leader-latch.js';
import { type LatchParticipant, listParticipants } from './latch-participants.js';

/** The work run while leading; it must stop soon after `signal` aborts. */
export type LeadershipFn = (
  signal: AbortSignal,
  term: { fencingToken: LeaderFencingToken | undefined },
) => Promise<void>;

/** Options of a {@link LeaderSelector}. */
export interface LeaderSelectorOptions extends LeaderLatchOptions {
  /** Queue up again after the function returns or leadership is lost (default false). */
  autoRequeue?: boolean;
  /** Called with whatever the function throws (default: ignored; the selector goes on). */
  onError?: (err: unknown) => void;
}

/**
 * Runs `fn` while this participant leads (Curator's `LeaderSelector`, built on
 * {@link LeaderLatch}). `fn(signal)` starts when we become leader; `signal` aborts (reason:
 * {@link LeadershipLostError}) when leadership is lost, `interruptLeadership()` is called, or
 * the selector closes. When `fn` settles, leadership is released (our node is deleted, so the
 * next participant takes over); with `autoRequeue` we then join the end of the line again.
 *
 * The selector cannot stop `fn` by force: `fn` must watch its signal. Until it returns, no
 * new term of ours starts, and a new leader elsewhere may already run: fence shared writes
 * with the term's `fencingToken`.
 *
 * **Connection loss.** On `suspended` the signal aborts at once (reason `suspended`): the
 * session may still be alive, but we can no longer prove it. On `lost` likewise (the node is
 * gone). After `fn` returns, with `autoRequeue` the selector queues again once connected (in
 * the new session after `lost`).
 *
 * @example
 * ```ts
 * const selector = new LeaderSelector(client, '/jobs/leader', async (signal) => {
 *   while (!signal.aborted) await runOneBatch(signal);
 * }, { autoRequeue: true });
 * await selector.start();
 * // …
 * await selector.close();
 * ```
 */
export class LeaderSelector implements AsyncDisposable {
  /** Our participant id. */
  readonly id: string;
  /** Whether `fn` is running as leader; replays the latest value. */
  readonly isLeader$: Observable<boolean>;
  readonly #client: ZooKeeperClient;
  readonly #path: string;
  readonly #fn: LeadershipFn;
  readonly #options: LeaderSelectorOptions;
  readonly #leading = new BehaviorSubject<boolean>(false);
  readonly #closed = new AbortController();
  #state: 'latent' | 'started' | 'closed' = 'latent';
  #latch: LeaderLatch | undefined;
  #term: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(client: ZooKeeperClient, path: string, fn: LeadershipFn, options: LeaderSelectorOptions = {}) {
    this.#client = client;
    this.#path = path;
    this.#fn = fn;
    this.#options = options;
    this.id = options.id ?? crypto.randomUUID();
    this.isLeader$ = this.#leading.pipe(distinctUntilChanged());
  }

  /** Whether `fn` is running as leader now. */
  get isLeader(): boolean {
    return this.#leading.value;
  }

  /**
   * Joins the election; resolves once our node exists (rejects, leaving the election, if
   * `signal` aborts or `timeoutMs` passes first).
   *
   * @example
   * ```ts
   * await selector.start();
   * ```
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (this.#state !== 'latent') throw new LatchClosedError(`leader selector already ${this.#state}`);
    this.#state = 'started';
    const latch = this.#newLatch();
    await latch.start(opts);
    this.#loop = this.#run(latch);
  }

  /**
   * Aborts the running `fn` (reason `interrupted`); leadership is released when it returns.
   * With `autoRequeue` we queue again. A no-op when not leading.
   *
   * @example
   * ```ts
   * selector.interruptLeadership();
   * ```
   */
  interruptLeadership(): void {
    this.#term?.abort(new LeadershipLostError('interrupted'));
  }

  /**
   * Every participant in queue order, with the leader marked.
   *
   * @example
   * ```ts
   * console.log(await selector.participants());
   * ```
   */
  async participants(): Promise<LatchParticipant[]> {
    return listParticipants(this.#client, this.#path, (this.#options.takeoverDelayMs ?? 0) > 0);
  }

  /**
   * Leaves the election: aborts a running `fn` (reason `closed`), waits for it to return
   * (a function that ignores its signal keeps `close()` waiting), and deletes our node.
   * Idempotent.
   *
   * @example
   * ```ts
   * await selector.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#closed.abort(new LatchClosedError('leader selector closed'));
    this.#term?.abort(new LeadershipLostError('closed'));
    await this.#loop?.catch(() => {});
    await this.#latch?.close();
    this.#leading.next(false);
    this.#leading.complete();
  }

  /** Same as {@link LeaderSelector.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #newLatch(): LeaderLatch {
    const latch = new LeaderLatch(this.#client, this.#path, {
      id: this.id,
      ...(this.#options.takeoverDelayMs === undefined
        ? {}
        : { takeoverDelayMs: this.#options.takeoverDelayMs }),
    });
    this.#latch = latch;
    return latch;
  }

  async #run(first: LeaderLatch): Promise<void> {
    let latch = first;
    for (;;) {
      try {
        await latch.waitForLeadership({ signal: this.#closed.signal });
        await this.#runTerm(latch);
      } catch (err) {
        if (this.#closed.signal.aborted) return;
        this.#options.onError?.(err);
      }
      await latch.close();
      if (this.#closed.signal.aborted || !this.#options.autoRequeue) return;
      latch = this.#newLatch();
      try {
        await abortable(latch.start(), this.#closed.signal);
      } catch {
        return;
      }
    }
  }

  async #runTerm(latch: LeaderLatch): Promise<void> {
    const term = new AbortController();
    this.#term = term;
    const subscription = latch.isLeader$.subscribe((leading) => {
      if (!leading)
        term.abort(new LeadershipLostError(this.#client.state === 'suspended' ? 'suspended' : 'lost'));
    });
    this.#leading.next(true);
    try {
      await this.#fn(term.signal, { fencingToken: latch.fencingToken });
    } catch (err) {
      if (!term.signal.aborted) this.#options.onError?.(err);
    } finally {
      subscription.unsubscribe();
      this.#term = undefined;
      this.#leading.next(false);
    }
  }
}
