import { map, type Observable, shareReplay } from 'rxjs';
import { type CallOptions, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { ChildrenCache } from '../cache/children-cache.js';
import { assertSegment, childPath } from '../internal/path-segment.js';
import { decodeServiceInstance, type ServiceInstance } from './service-instance.js';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';

/**
 * Options of {@link ServiceDiscovery}.
 *
 * @example
 * ```ts
 * new ServiceDiscovery(client, { basePath: '/discovery' });
 * ```
 */
export interface ServiceDiscoveryOptions {
  /** Root of all services. Default `'/services'` (must match the registry's). */
  basePath?: string;
}

/**
 * Finds service instances registered with `ServiceRegistry` or with Curator's x-discovery
 * (`<basePath>/<name>/<id>`, `ServiceInstance` JSON): live lists as Observables, one-off reads,
 * and load-balancing providers.
 *
 * **Connection loss.** On `suspended` `instances$` keeps the last list (providers keep choosing
 * from it: it is usually still right, and failing calls can be reported with `noteError`). On
 * `reconnected` (same or new session) the list is read again and emitted only if it changed;
 * instances whose session expired meanwhile are gone from it.
 *
 * @example
 * ```ts
 * const discovery = new ServiceDiscovery(client);
 * discovery.instances$('api').subscribe((list) => console.log(list.map((i) => `${i.address}:${i.port}`)));
 * await using api = discovery.provider('api', { strategy: roundRobin() });
 * await api.start();
 * const target = api.getInstance();
 * ```
 */
export class ServiceDiscovery {
  readonly #client: ZooKeeperClient;
  readonly #base: string;
  readonly #streams = new Map<string, Observable<readonly ServiceInstance[]>>();

  /**
   * @param client the client
   * @param opts base path
   */
  constructor(client: ZooKeeperClient, opts: ServiceDiscoveryOptions = {}) {
    this.#client = client;
    this.#base = opts.basePath ?? '/services';
  }

  /**
   * The live instances of a service, sorted by id: emits the current list on subscribe, then on
   * every join, leave or update. Nodes whose data is not a `ServiceInstance` are left out. All
   * subscribers of one name share one cache (one watch); the last unsubscribe releases it.
   *
   * @example
   * ```ts
   * discovery.instances$<{ weight: number }>('api').subscribe((list) => rebuildPool(list));
   * ```
   */
  instances$<P = unknown>(name: string): Observable<readonly ServiceInstance<P>[]> {
    assertSegment(name, 'service name');
    let stream = this.#streams.get(name);
    if (!stream) {
      const cache = new ChildrenCache(this.#client, childPath(this.#base, name));
      stream = cache.children$.pipe(
        map((children) => parseAll(children)),
        shareReplay({ bufferSize: 1, refCount: true }),
      );
      this.#streams.set(name, stream);
    }
    return stream as Observable<readonly ServiceInstance<P>[]>;
  }

  /**
   * The instances of a service right now (one read per instance, pipelined).
   *
   * @example
   * ```ts
   * const list = await discovery.instances('api');
   * ```
   */
  async instances<P = unknown>(name: string, opts: CallOptions = {}): Promise<ServiceInstance<P>[]> {
    assertSegment(name, 'service name');
    const dir = childPath(this.#base, name);
    let ids: string[];
    try {
      ids = await this.#client.getChildren(dir, opts);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
    if (ids.length === 0) return [];
    const results = await this.#client.multiRead(
      ids.map((id) => ({ type: 'getData' as const, path: childPath(dir, id) })),
      opts,
    );
    const children = new Map<string, { data: Buffer }>();
    results.forEach((r, i) => {
      if (r.type === 'getData') children.set(ids[i]!, r);
    });
    return parseAll(children) as ServiceInstance<P>[];
  }

  /**
   * The names of every registered service, sorted.
   *
   * @example
   * ```ts
   * const services = await discovery.names();
   * ```
   */
  async names(opts: CallOptions = {}): Promise<string[]> {
    try {
      return (await this.#client.getChildren(this.#base, opts)).sort();
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  /**
   * A load-balancing provider for one service (call `start()` on it).
   *
   * @example
   * ```ts
   * const p = discovery.provider('api', { strategy: weighted(), downInstancePolicy: { errorThreshold: 1 } });
   * ```
   */
  provider<P = unknown>(name: string, opts: ServiceProviderOptions<P> = {}): ServiceProvider<P> {
    return new ServiceProvider(this.instances$<P>(name), opts);
  }
}

function parseAll(children: ReadonlyMap<string, { data: Buffer }>): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  for (const [id, node] of children) {
    try {
      const instance = decodeServiceInstance(node.data);
      out.push(instance.id === id ? instance : { ...instance, id });
    } catch {
      // not an instance (see instances$): left out
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
