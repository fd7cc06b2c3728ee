import type { Observable } from 'rxjs';
import { type Acl, NodeExistsError, type ZooKeeperClient } from '../../src/index.js';
import type { WaitOptions } from '../internal/abortable.js';
import { PersistentNode } from './persistent-node.js';

/**
 * Options of {@link PersistentTtlNode}.
 *
 * @example
 * ```ts
 * const opts: PersistentTtlNodeOptions = { ttlMs: 10_000, data: 'worker-1' };
 * ```
 */
export interface PersistentTtlNodeOptions {
  /** How long the node outlives its last touch (the child's TTL). */
  ttlMs: number;
  /** Data of the (container) node itself. */
  data?: Uint8Array | string;
  acl?: Acl[];
  /** Name of the touched child; default `touch` (Curator's default). */
  childName?: string;
  /** The child is touched every `ttlMs / touchScheduleFactor` ms; default 2 (Curator's). */
  touchScheduleFactor?: number;
}

/**
 * Curator's `PersistentTtlNode`: a node that lives as long as its process touches it, plus a
 * grace period, without depending on a session. The node is a CONTAINER kept in place by a
 * {@link PersistentNode}; a child (`touch`) created with mode `persistent-ttl` is set every
 * `ttlMs / 2`. When the process dies, the child expires `ttlMs` after the last touch and the
 * server then removes the empty container. Touching never fires data watches on the node
 * itself (only the child changes). Needs a server with `extendedTypesEnabled=true` (TTL nodes).
 * Use it as a worker heartbeat that survives a client restart or a session expiry.
 *
 * **Connection loss.** On `suspended` touches fail and are retried on the next tick; the node
 * stays as long as the outage is shorter than `ttlMs`. On `lost` nothing is lost (no ephemerals).
 * On `reconnected` the container is checked and re-created if it was reaped meanwhile, and the
 * child is touched at once.
 *
 * @example
 * ```ts
 * await using heartbeat = new PersistentTtlNode(client, '/heartbeats/worker-1', { ttlMs: 10_000 });
 * heartbeat.start();
 * await heartbeat.waitForInitialCreate({ timeoutMs: 5_000 });
 * ```
 */
export class PersistentTtlNode implements AsyncDisposable {
  /** The node's path while it is known to exist, else `null`. */
  readonly path$: Observable<string | null>;
  private readonly node: PersistentNode;
  private readonly childPath: string;
  private readonly ttlMs: number;
  private readonly periodMs: number;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    options: PersistentTtlNodeOptions,
  ) {
    const factor = options.touchScheduleFactor ?? 2;
    if (!(options.ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${options.ttlMs}`);
    if (!(factor >= 1)) throw new RangeError(`touchScheduleFactor must be >= 1, got ${factor}`);
    const childName = options.childName ?? 'touch';
    if (childName.length === 0 || childName.includes('/')) throw new RangeError(`bad childName ${childName}`);
    this.node = new PersistentNode(client, path, {
      mode: 'container',
      ...(options.data !== undefined ? { data: options.data } : {}),
      ...(options.acl ? { acl: options.acl } : {}),
    });
    this.childPath = `${path}/${childName}`;
    this.ttlMs = options.ttlMs;
    this.periodMs = Math.max(1, Math.floor(options.ttlMs / factor));
    this.path$ = this.node.path$;
  }

  /** Starts creating, keeping and touching the node. Idempotent. */
  start(): void {
    if (this.closed || this.timer) return;
    this.node.start();
    this.node.path$.subscribe((p) => {
      if (p !== null) void this.touch();
    });
    this.timer = setInterval(() => void this.touch(), this.periodMs);
    this.timer.unref?.();
  }

  /** Resolves with the path once the node and its first touch exist. */
  async waitForInitialCreate(opts: WaitOptions = {}): Promise<string> {
    const path = await this.node.waitForInitialCreate(opts);
    await this.touch();
    return path;
  }

  /** Sets the data of the node itself (see `PersistentNode.setData`). */
  setData(data: Uint8Array | string, opts: WaitOptions = {}): Promise<void> {
    return this.node.setData(data, opts);
  }

  /** Stops touching and deletes the child and the node. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.client.state !== 'closed') await this.client.delete(this.childPath).catch(() => undefined);
    await this.node.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async touch(): Promise<void> {
    if (this.closed) return;
    try {
      await this.client.create(this.childPath, undefined, { mode: 'persistent-ttl', ttlMs: this.ttlMs });
    } catch (err) {
      // NoNode (container being re-created), connection loss, closed: the next tick tries again
      if (err instanceof NodeExistsError) {
        await this.client.setData(this.childPath, Buffer.alloc(0)).catch(() => undefined);
      }
    }
  }
}
