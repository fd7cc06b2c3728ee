import type { ServiceInstance } from './service-instance.js';

/**
 * Picks one instance out of the usable ones (enabled and not marked down). Strategies keep state
 * (a counter, the sticky choice), so each provider gets its own: pass a factory's result, not a
 * shared object. `choose` is never called with an empty list.
 *
 * @example
 * ```ts
 * const first: ProviderStrategy = { name: 'first', choose: (instances) => instances[0]! };
 * discovery.provider('api', { strategy: first });
 * ```
 */
export interface ProviderStrategy<P = unknown> {
  /** A short name for logs and tests. */
  readonly name: string;
  /** Returns one of `instances` (non-empty, in instance-id order). */
  choose(instances: readonly ServiceInstance<P>[]): ServiceInstance<P>;
}

/**
 * Round robin over the instances in id order (Curator's default `RoundRobinStrategy`). When the
 * list changes the counter keeps going, so load keeps spreading without restarting at the first.
 *
 * @example
 * ```ts
 * discovery.provider('api', { strategy: roundRobin() });
 * ```
 */
export function roundRobin<P = unknown>(): ProviderStrategy<P> {
  let next = 0;
  return {
    name: 'round-robin',
    choose(instances) {
      const i = next % instances.length;
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return instances[i]!;
    },
  };
}

/**
 * Uniformly random choice (Curator's `RandomStrategy`). `random` can be replaced for tests.
 *
 * @example
 * ```ts
 * discovery.provider('api', { strategy: random() });
 * ```
 */
export function random<P = unknown>(opts: { random?: () => number } = {}): ProviderStrategy<P> {
  const rnd = opts.random ?? Math.random;
  return {
    name: 'random',
    choose(instances) {
      const i = Math.min(instances.length - 1, Math.floor(rnd() * instances.length));
      return instances[i]!;
    },
  };
}

/**
 * Keeps returning the same instance while it stays usable; when it disappears, is disabled or is
 * marked down (`noteError`), `inner` picks a new one (Curator's `StickyStrategy`).
 *
 * @example
 * ```ts
 * discovery.provider('db', { strategy: sticky(random()) });
 * ```
 */
export function sticky<P = unknown>(inner: ProviderStrategy<P> = roundRobin<P>()): ProviderStrategy<P> {
  let currentId: string | undefined;
  return {
    name: `sticky(${inner.name})`,
    choose(instances) {
      const current = currentId === undefined ? undefined : instances.find((i) => i.id === currentId);
      if (current) return current;
      const chosen = inner.choose(instances);
      currentId = chosen.id;
      return chosen;
    },
  };
}
