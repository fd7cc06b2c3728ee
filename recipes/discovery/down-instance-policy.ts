import { RecipeError } from '../internal/errors.js';

/**
 * When a provider hides an instance reported as failing (Curator's `DownInstancePolicy`).
 *
 * @example
 * ```ts
 * discovery.provider('api', { downInstancePolicy: { timeoutMs: 10_000, errorThreshold: 3 } });
 * ```
 */
export interface DownInstancePolicy {
  /** How long an error episode lasts, from its first error. Default 30 000 (Curator's). */
  timeoutMs?: number;
  /** Errors within one episode after which the instance is skipped. Default 2 (Curator's). */
  errorThreshold?: number;
}

/**
 * Tracks `noteError` reports per instance id with Curator's `DownInstanceManager` rule: the first
 * error starts an episode of `timeoutMs`; once the episode has `errorThreshold` errors the instance
 * is down until the episode ends; then it is usable again and its count starts from zero.
 *
 * @example
 * ```ts
 * const down = new DownInstanceTracker({ errorThreshold: 1 });
 * down.noteError('i-1');
 * down.isDown('i-1'); // true for 30 s
 * ```
 */
export class DownInstanceTracker {
  readonly #timeoutMs: number;
  readonly #threshold: number;
  readonly #now: () => number;
  readonly #episodes = new Map<string, { startMs: number; errors: number }>();

  /**
   * @param policy timeout and threshold
   * @param now clock (ms), replaceable for tests
   */
  constructor(policy: DownInstancePolicy = {}, now: () => number = Date.now) {
    this.#timeoutMs = policy.timeoutMs ?? 30_000;
    this.#threshold = policy.errorThreshold ?? 2;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs < 0) {
      throw new RecipeError(`downInstancePolicy.timeoutMs must be >= 0, got ${this.#timeoutMs}`);
    }
    if (!Number.isInteger(this.#threshold) || this.#threshold < 1) {
      throw new RecipeError(
        `downInstancePolicy.errorThreshold must be an integer >= 1, got ${this.#threshold}`,
      );
    }
    this.#now = now;
  }

  /** Records one error for the instance. @example `tracker.noteError(instance.id)` */
  noteError(id: string): void {
    this.#purge();
    const e = this.#episodes.get(id);
    if (e) e.errors++;
    else this.#episodes.set(id, { startMs: this.#now(), errors: 1 });
  }

  /** True while the instance should be skipped. @example `tracker.isDown(instance.id)` */
  isDown(id: string): boolean {
    this.#purge();
    const e = this.#episodes.get(id);
    return e !== undefined && e.errors >= this.#threshold;
  }

  /** Forgets every report. @example `tracker.clear()` */
  clear(): void {
    this.#episodes.clear();
  }

  #purge(): void {
    const now = this.#now();
    for (const [id, e] of this.#episodes) if (now - e.startMs >= this.#timeoutMs) this.#episodes.delete(id);
  }
}
