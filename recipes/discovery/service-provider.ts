import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { abortable, combineSignal, type WaitOptions } from '../internal/abortable.js';
import { RecipeError } from '../internal/errors.js';
import { type DownInstancePolicy, DownInstanceTracker } from './down-instance-policy.js';
import { type ProviderStrategy, roundRobin } from './provider-strategy.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * Options of {@link ServiceProvider}.
 *
 * @example
 * ```ts
 * const opts: ServiceProviderOptions = { strategy: sticky(random()), downInstancePolicy: { timeoutMs: 5000 } };
 * ```
 */
export interface ServiceProviderOptions<P = unknown> {
  /** How to pick; default {@link roundRobin}. Give each provider its own strategy object. */
  strategy?: ProviderStrategy<P>;
  /** When `noteError` hides an instance; default 30 s episodes, 2 errors (Curator's). */
  downInstancePolicy?: DownInstancePolicy;
  /** Extra filter (Curator's `InstanceFilter`); disabled instances are always skipped. */
  filter?: (instance: ServiceInstance<P>) => boolean;
  /** Clock for the down-instance policy (tests). */
  now?: () => number;
}

/**
 * Picks instances of one service for each call (Curator's `ServiceProvider`): a live instance
 * list from discovery, minus disabled, filtered and recently failing instances, through a
 * strategy (round robin, random, sticky, weighted, or your own).
 *
 * **Connection loss.** On `suspended` it keeps choosing from the last known list; on
 * `reconnected` the list catches up (see `ServiceDiscovery.instances$`).
 *
 * @example
 * ```ts
 * await using api = discovery.provider<{ weight: number }>('api', { strategy: weighted() });
 * await api.start({ timeoutMs: 5000 });
 * const i = api.getInstance();
 * try { await call(i); } catch (err) { if (i) api.noteError(i); throw err; }
 * ```
 */
export class ServiceProvider<P = unknown> implements AsyncDisposable {
  readonly #source: Observable<readonly ServiceInstance<P>[]>;
  readonly #strategy: ProviderStrategy<P>;
  readonly #down: DownInstanceTracker;
  readonly #filter: ((instance: ServiceInstance<P>) => boolean) | undefined;
  #all: readonly ServiceInstance<P>[] = [];
  #sub: Subscription | undefined;
  #failure: unknown;
  #closed = false;

  /**
   * @param source the live instance list (from `ServiceDiscovery.instances$`)
   * @param opts strategy, down-instance policy, filter
   */
  constructor(source: Observable<readonly ServiceInstance<P>[]>, opts: ServiceProviderOptions<P> = {}) {
    this.#source = source;
    this.#strategy = opts.strategy ?? roundRobin<P>();
    this.#down = new DownInstanceTracker(opts.downInstancePolicy, opts.now);
    this.#filter = opts.filter;
  }

  /**
   * Subscribes to the instance list and resolves once it is known. Idempotent.
   *
   * @example
   * ```ts
   * await provider.start({ timeoutMs: 5000 });
   * ```
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    if (this.#closed) throw new RecipeError('ServiceProvider is closed');
    if (!this.#sub) {
      this.#sub = this.#source.subscribe({
        next: (list) => {
          this.#all = list;
        },
        error: (err: unknown) => {
          this.#failure = err;
        },
      });
    }
    await abortable(firstValueFrom(this.#source), combineSignal(opts));
  }

  /**
   * One instance chosen by the strategy among the usable ones, or `null` when there is none.
   *
   * @example
   * ```ts
   * const i = provider.getInstance();
   * if (i) await fetch(`http://${i.address}:${i.port}/`);
   * ```
   */
  getInstance(): ServiceInstance<P> | null {
    const usable = this.usableInstances();
    return usable.length === 0 ? null : this.#strategy.choose(usable);
  }

  /** Every known instance, usable or not. @example `provider.allInstances.length` */
  get allInstances(): readonly ServiceInstance<P>[] {
    if (this.#failure !== undefined) throw this.#failure;
    return this.#all;
  }

  /**
   * The instances `getInstance` chooses from: enabled, passing the filter, not marked down.
   *
   * @example
   * ```ts
   * provider.usableInstances().length;
   * ```
   */
  usableInstances(): ServiceInstance<P>[] {
    return this.allInstances.filter(
      (i) => i.enabled && (this.#filter?.(i) ?? true) && !this.#down.isDown(i.id),
    );
  }

  /**
   * Reports a failed call to an instance; after enough errors it is skipped for a while.
   *
   * @example
   * ```ts
   * provider.noteError(instance);
   * ```
   */
  noteError(instance: ServiceInstance<P>): void {
    this.#down.noteError(instance.id);
  }

  /** Stops following the instance list. Idempotent. @example `await provider.close()` */
  async close(): Promise<void> {
    this.#closed = true;
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }

  /** Same as {@link ServiceProvider.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
