/**
 * The inputs of {@link planAssignment}: what every worker sees in ZooKeeper.
 *
 * @example
 * ```ts
 * const input: PlanInput = { workers: new Map([['w1', 1]]), items: ['a', 'b'], owners: new Map() };
 * ```
 */
export interface PlanInput {
  /** Live workers: id → capacity (a share weight; 0 = take no items). */
  readonly workers: ReadonlyMap<string, number>;
  /** Every work item. */
  readonly items: readonly string[];
  /** Current owners: item → worker id (owners that are not live workers are ignored). */
  readonly owners: ReadonlyMap<string, string>;
}

/**
 * Each worker's fair share of `itemCount` items, proportional to capacity, by the largest
 * remainder method (ties go to the smaller worker id, so every worker computes the same targets).
 *
 * @example
 * ```ts
 * targetCounts(new Map([['a', 1], ['b', 1], ['c', 1]]), 10); // a → 4, b → 3, c → 3
 * ```
 */
export function targetCounts(workers: ReadonlyMap<string, number>, itemCount: number): Map<string, number> {
  const ids = [...workers.keys()].filter((id) => usable(workers.get(id))).sort(compare);
  const out = new Map<string, number>();
  const total = ids.reduce((sum, id) => sum + workers.get(id)!, 0);
  if (ids.length === 0 || total <= 0) return out;
  const rest: { id: string; frac: number }[] = [];
  let given = 0;
  for (const id of ids) {
    const exact = (itemCount * workers.get(id)!) / total;
    const base = Math.floor(exact);
    out.set(id, base);
    given += base;
    rest.push({ id, frac: exact - base });
  }
  rest.sort((a, b) => b.frac - a.frac || compare(a.id, b.id));
  for (let i = 0; given < itemCount; i++, given++) {
    const r = rest[i % rest.length]!;
    out.set(r.id, out.get(r.id)! + 1);
  }
  return out;
}

/**
 * The sticky assignment of items to workers: every item gets exactly one live worker, each worker
 * gets its capacity-proportional share (±1 from rounding), and an item keeps its current owner
 * whenever that owner is live and still within its share. So when a worker joins, the others only
 * give up what exceeds their new share and nothing moves between the old workers; when a worker
 * dies, only its items move. The result is a pure function of the input (sorted ids and items,
 * deterministic ties), so workers that see the same ZooKeeper state compute the same plan.
 *
 * @example
 * ```ts
 * const plan = planAssignment({ workers: new Map([['w1', 1], ['w2', 1]]), items: ['a', 'b'], owners: new Map() });
 * plan.get('a'); // 'w1'
 * ```
 */
export function planAssignment(input: PlanInput): Map<string, string> {
  const items = [...new Set(input.items)].sort(compare);
  const targets = targetCounts(input.workers, items.length);
  const plan = new Map<string, string>();
  if (targets.size === 0) return plan;
  const held = new Map<string, string[]>();
  for (const item of items) {
    const owner = input.owners.get(item);
    if (owner !== undefined && targets.has(owner)) {
      const list = held.get(owner);
      if (list) list.push(item);
      else held.set(owner, [item]);
    }
  }
  const load = new Map<string, number>();
  for (const [worker, target] of targets) {
    const keep = (held.get(worker) ?? []).slice(0, target);
    for (const item of keep) plan.set(item, worker);
    load.set(worker, keep.length);
  }
  const free = items.filter((item) => !plan.has(item));
  const workers = [...targets.keys()].sort(compare);
  let w = 0;
  for (const item of free) {
    // Next worker (in id order, cycling) that is below its target: spreads free items evenly.
    for (let tries = 0; tries < workers.length; tries++, w++) {
      const id = workers[w % workers.length]!;
      if (load.get(id)! < targets.get(id)!) {
        plan.set(item, id);
        load.set(id, load.get(id)! + 1);
        w++;
        break;
      }
    }
  }
  return plan;
}

function usable(capacity: number | undefined): capacity is number {
  return typeof capacity === 'number' && Number.isFinite(capacity) && capacity > 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
