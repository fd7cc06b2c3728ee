import { RecipeError } from '../internal/errors.js';
import type { ProviderStrategy } from './provider-strategy.js';
import type { ServiceInstance } from './service-instance.js';

/**
 * Options of {@link weighted}.
 *
 * @example
 * ```ts
 * const opts: WeightedOptions = { weight: 'weight', mode: 'smooth' };
 * ```
 */
export interface WeightedOptions<P = unknown> {
  /**
   * The weight of an instance: a payload field name (default `'weight'`) or a function. A
   * missing, non-numeric or negative weight counts as `defaultWeight`; weight 0 means "only when
   * every usable instance has weight 0".
   */
  weight?: string | ((instance: ServiceInstance<P>) => number | undefined);
  /** Weight used when an instance has none. Default 1. */
  defaultWeight?: number;
  /**
   * `smooth` (default): nginx's smooth weighted round robin, deterministic and evenly interleaved
   * (weights 5,1,1 give a a b a c a a). `random`: a weighted random choice.
   */
  mode?: 'smooth' | 'random';
  /** Random source for `mode: 'random'` (tests). */
  random?: () => number;
}

/**
 * Weighted choice: instances get traffic in proportion to their weight, read from the payload
 * (`{ "weight": 3 }`) or computed by a function.
 *
 * @example
 * ```ts
 * discovery.provider<{ weight: number }>('api', { strategy: weighted({ weight: (i) => i.payload?.weight }) });
 * ```
 */
export function weighted<P = unknown>(opts: WeightedOptions<P> = {}): ProviderStrategy<P> {
  const defaultWeight = opts.defaultWeight ?? 1;
  if (!Number.isFinite(defaultWeight) || defaultWeight < 0) {
    throw new RecipeError(`defaultWeight must be a finite number >= 0, got ${defaultWeight}`);
  }
  const weightOf = weightFunction(opts.weight ?? 'weight', defaultWeight);
  const rnd = opts.random ?? Math.random;
  const current = new Map<string, number>();
  return {
    name: `weighted(${opts.mode ?? 'smooth'})`,
    choose(instances) {
      let weights = instances.map(weightOf);
      let total = weights.reduce((a, b) => a + b, 0);
      if (total === 0) {
        weights = weights.map(() => 1);
        total = weights.length;
      }
      if (opts.mode === 'random') {
        let r = rnd() * total;
        for (let i = 0; i < instances.length; i++) {
          r -= weights[i]!;
          if (r < 0) return instances[i]!;
        }
        return instances[instances.length - 1]!;
      }
      for (const id of current.keys()) if (!instances.some((i) => i.id === id)) current.delete(id);
      let best = 0;
      let bestValue = Number.NEGATIVE_INFINITY;
      instances.forEach((inst, i) => {
        const v = (current.get(inst.id) ?? 0) + weights[i]!;
        current.set(inst.id, v);
        if (v > bestValue) {
          bestValue = v;
          best = i;
        }
      });
      const chosen = instances[best]!;
      current.set(chosen.id, bestValue - total);
      return chosen;
    },
  };
}

function weightFunction<P>(
  weight: NonNullable<WeightedOptions<P>['weight']>,
  defaultWeight: number,
): (i: ServiceInstance<P>) => number {
  const read =
    typeof weight === 'function'
      ? weight
      : (i: ServiceInstance<P>) => {
          const p = i.payload as Record<string, unknown> | null;
          const v = p !== null && typeof p === 'object' ? p[weight] : undefined;
          return typeof v === 'number' ? v : undefined;
        };
  return (i) => {
    const w = read(i);
    return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : defaultWeight;
  };
}
