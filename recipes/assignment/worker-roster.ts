/**
 * The workers of a `WorkAssignment` group as this worker last saw them: each live worker's
 * capacity, whether the view already includes this worker, and since when it has been stable
 * (for `settleMs`).
 *
 * @module
 */

/**
 * The group's live workers (id → capacity) and how long they have been unchanged.
 *
 * @example
 * ```ts
 * const roster = new WorkerRoster('w1');
 * roster.update(new Map([['w1', { capacity: 1 }]]));
 * roster.known; // true: the view includes us
 * ```
 */
export class WorkerRoster {
  /** Live workers: id → capacity (1 when a member reports none). */
  workers: ReadonlyMap<string, number> = new Map();
  /** The last view includes this worker: it is at least as new as our join. */
  known = false;
  readonly #self: string;
  #changedAt = 0;

  /** @param self this worker's id */
  constructor(self: string) {
    this.#self = self;
  }

  /** Takes a new member list (id → payload). */
  update(members: ReadonlyMap<string, { capacity?: unknown } | undefined>): void {
    const workers = new Map<string, number>();
    for (const [id, p] of members) workers.set(id, typeof p?.capacity === 'number' ? p.capacity : 1);
    if (!this.known || !sameWorkers(this.workers, workers)) this.#changedAt = performance.now();
    this.workers = workers;
    this.known = workers.has(this.#self);
  }

  /** How long the workers must still stay unchanged to have been stable for `settleMs` (≤ 0: settled). */
  settleRemainingMs(settleMs: number): number {
    return settleMs - (performance.now() - this.#changedAt);
  }
}

function sameWorkers(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
