import { randomUUID } from 'node:crypto';
import type { ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { RecipeError } from '../internal/errors.js';
import { assertSegment, childPath } from '../internal/path-segment.js';
import { PersistentNode } from '../nodes/persistent-node.js';
import { PersistentTtlNode } from '../nodes/persistent-ttl-node.js';
import { encodeServiceInstance, type ServiceInstance, uriSpecToParts } from './service-instance.js';

/**
 * What to register: Curator's `ServiceInstanceBuilder` fields.
 *
 * @example
 * ```ts
 * const spec: RegisterOptions<{ zone: string }> = { name: 'api', address: '10.0.0.7', port: 8080, payload: { zone: 'eu' } };
 * ```
 */
export interface RegisterOptions<P> {
  /** Service name (one path segment). */
  name: string;
  /** Instance id (one path segment). Default: a random UUID (as Curator). */
  id?: string;
  /** Host name or IP. */
  address: string;
  /** Plain port. */
  port?: number;
  /** TLS port. */
  sslPort?: number;
  /** User data, stored as JSON. */
  payload?: P;
  /** URI template, e.g. `'{scheme}://{address}:{port}'`. */
  uriSpec?: string;
  /** Default true; a disabled instance is listed but skipped by providers. */
  enabled?: boolean;
  /** Adds `"@class": <this>` to an object payload so Curator/Jackson readers can type it. */
  javaPayloadClass?: string;
  /**
   * Keep the instance for this long after the process stops touching it (a TTL node, like
   * Curator's `PersistentTtlNode`) instead of an ephemeral node that dies with the session. Needs
   * `extendedTypesEnabled=true` on the servers.
   */
  ttlMs?: number;
}

/**
 * Options of {@link ServiceRegistry}.
 *
 * @example
 * ```ts
 * new ServiceRegistry(client, { basePath: '/discovery' });
 * ```
 */
export interface ServiceRegistryOptions {
  /** Root of all services. Default `'/services'`. */
  basePath?: string;
}

interface Keeper {
  start(): void;
  waitForInitialCreate(opts?: WaitOptions): Promise<string>;
  setData(data: Uint8Array | string, opts?: WaitOptions): Promise<void>;
  close(): Promise<void>;
}

/**
 * One live registration: the instance node is kept in place until `unregister()`.
 *
 * @example
 * ```ts
 * await using reg = await registry.register({ name: 'api', address: 'h', port: 80 });
 * await reg.update({ weight: 3 });
 * ```
 */
export class ServiceRegistration<P = unknown> implements AsyncDisposable {
  #instance: ServiceInstance<P>;
  readonly #keeper: Keeper;
  #closed: Promise<void> | undefined;

  /** @internal */
  constructor(instance: ServiceInstance<P>, keeper: Keeper) {
    this.#instance = instance;
    this.#keeper = keeper;
  }

  /** The instance as registered now. @example `reg.instance.id` */
  get instance(): ServiceInstance<P> {
    return this.#instance;
  }

  /**
   * Replaces the payload in place (one `setData`; watchers see an update, not a leave/join).
   * Resolves once it is on the server.
   *
   * @example
   * ```ts
   * await reg.update({ weight: 5 });
   * ```
   */
  async update(payload: P, opts: WaitOptions = {}): Promise<void> {
    await this.#write({ ...this.#instance, payload }, opts);
  }

  /**
   * Enables or disables the instance in place (providers skip disabled instances).
   *
   * @example
   * ```ts
   * await reg.setEnabled(false); // drain before shutdown
   * ```
   */
  async setEnabled(enabled: boolean, opts: WaitOptions = {}): Promise<void> {
    await this.#write({ ...this.#instance, enabled }, opts);
  }

  /**
   * Deletes the instance node and stops keeping it. Idempotent.
   *
   * @example
   * ```ts
   * await reg.unregister();
   * ```
   */
  unregister(): Promise<void> {
    this.#closed ??= this.#keeper.close();
    return this.#closed;
  }

  /** Same as {@link ServiceRegistration.unregister}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.unregister();
  }

  async #write(next: ServiceInstance<P>, opts: WaitOptions): Promise<void> {
    if (this.#closed) throw new RecipeError(`instance ${next.id} of ${next.name} is unregistered`);
    this.#instance = next;
    await this.#keeper.setData(encodeServiceInstance(next), opts);
  }
}

/**
 * Registers service instances (curator-x-discovery's `registerService`), in Curator's layout
 * `<basePath>/<name>/<id>` with `ServiceInstance` JSON (see {@link ServiceInstance} for the few
 * differences), so Java services using Curator and Node services see each other.
 *
 * Each instance node is a `PersistentNode` in ephemeral mode (`serviceType: 'DYNAMIC'`): it goes
 * away when the process dies (its session ends) and is re-created after a new session, after
 * someone deletes it, and checked after every reconnect; `update()` changes it in place. With
 * `ttlMs` it is a `PersistentTtlNode` instead, which outlives short sessions losses (Curator has
 * no such mode; the JSON still says `DYNAMIC`). If a node with the same id exists, it is taken
 * over and our data written into it (Curator deletes and re-creates it).
 *
 * **Connection loss.** On `suspended` nothing changes (the node may still be alive, and others
 * keep seeing it). On `lost` the ephemeral node is gone and others see the instance leave; after
 * the new session it is re-created with the latest data and others see it join again.
 *
 * @example
 * ```ts
 * const registry = new ServiceRegistry(client);
 * await using reg = await registry.register({ name: 'api', address: '10.0.0.7', port: 8080, payload: { weight: 2 } });
 * ```
 */
export class ServiceRegistry {
  readonly #client: ZooKeeperClient;
  readonly #base: string;

  /**
   * @param client the client
   * @param opts base path
   */
  constructor(client: ZooKeeperClient, opts: ServiceRegistryOptions = {}) {
    this.#client = client;
    this.#base = opts.basePath ?? '/services';
  }

  /**
   * Registers one instance; resolves once its node exists. Rejects on bad input
   * (`InvalidArgumentError`), a non-transient create error, or after `timeoutMs`.
   *
   * @example
   * ```ts
   * const reg = await registry.register({ name: 'api', address: 'h', port: 80 }, { timeoutMs: 5000 });
   * ```
   */
  async register<P = unknown>(
    spec: RegisterOptions<P>,
    opts: WaitOptions = {},
  ): Promise<ServiceRegistration<P>> {
    const id = spec.id ?? randomUUID();
    assertSegment(spec.name, 'service name');
    assertSegment(id, 'instance id');
    for (const [k, v] of [
      ['port', spec.port],
      ['sslPort', spec.sslPort],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 65535)) {
        throw new RangeError(`${k} must be an integer in 0..65535, got ${String(v)}`);
      }
    }
    if (spec.uriSpec !== undefined) uriSpecToParts(spec.uriSpec);
    const instance: ServiceInstance<P> = {
      name: spec.name,
      id,
      address: spec.address,
      port: spec.port ?? null,
      sslPort: spec.sslPort ?? null,
      payload: spec.payload ?? null,
      registrationTimeUTC: Date.now(),
      serviceType: 'DYNAMIC',
      uriSpec: spec.uriSpec ?? null,
      enabled: spec.enabled ?? true,
      javaPayloadClass: spec.javaPayloadClass ?? null,
    };
    const path = childPath(childPath(this.#base, spec.name), id);
    const data = encodeServiceInstance(instance);
    const keeper: Keeper =
      spec.ttlMs === undefined
        ? new PersistentNode(this.#client, path, { mode: 'ephemeral', data })
        : new PersistentTtlNode(this.#client, path, { ttlMs: spec.ttlMs, data });
    keeper.start();
    try {
      await keeper.waitForInitialCreate(opts);
    } catch (err) {
      await keeper.close().catch(() => undefined);
      throw err;
    }
    return new ServiceRegistration(instance, keeper);
  }
}
