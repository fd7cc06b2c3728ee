import { randomUUID } from 'node:crypto';
import { map, type Observable, shareReplay } from 'rxjs';
import type { ZooKeeperClient } from '../../src/index.js';
import { ChildrenCache } from '../cache/children-cache.js';
import type { WaitOptions } from '../internal/abortable.js';
import { PersistentNode } from '../nodes/persistent-node.js';
import { assertSegment, childPath } from '../internal/path-segment.js';

/**
 * Options of {@link GroupMember}.
 *
 * @example
 * ```ts
 * const opts: GroupMemberOptions<{ host: string }> = { id: 'worker-1', payload: { host: 'a' } };
 * ```
 */
export interface GroupMemberOptions<P> {
  /** This member's id (the node name). Default: a random UUID. Must be unique in the group. */
  id?: string;
  /** This member's payload. Default `null`. */
  payload?: P;
  /** Payload → node data. Default `JSON.stringify`. */
  encode?: (payload: P) => Uint8Array | string;
  /** Node data → payload. Default `JSON.parse` (empty data → `null`). A throw hides that member. */
  decode?: (data: Buffer) => P;
}

const jsonEncode = (p: unknown): string => JSON.stringify(p ?? null);
const jsonDecode = (d: Buffer): unknown => (d.length === 0 ? null : JSON.parse(d.toString('utf8')));

/**
 * Group membership (Curator's `GroupMember`, kazoo's `Party`, the seed notes' cluster
 * management): this process joins `<groupPath>/<id>` as an ephemeral node carrying a payload,
 * and `members$` follows every member of the group (id → payload).
 *
 * The member node is a `PersistentNode`: it is re-created after a new session (unlike kazoo's
 * Party, which stays out after an expiry), re-created if someone deletes it, and `updatePayload`
 * changes it in place. Members whose data the decoder rejects are left out of `members$` (a
 * foreign node in the group path does not break the stream).
 *
 * **Connection loss.** On `suspended` nothing changes: `members$` keeps the last view (our node
 * may still be alive). On `lost` our node is gone from the server; other members see us leave
 * once the server expired the session. On `reconnected` after `lost` the node is re-created
 * (others see us join again) and `members$` is re-read, emitting only real differences.
 *
 * @example
 * ```ts
 * await using me = new GroupMember(client, '/cluster/web', { id: 'web-1', payload: { port: 8080 } });
 * await me.start({ timeoutMs: 10_000 });
 * me.members$.subscribe((m) => console.log('members:', [...m.keys()]));
 * await me.updatePayload({ port: 8081 });
 * ```
 */
export class GroupMember<P = unknown> implements AsyncDisposable {
  /** This member's id. */
  readonly id: string;
  /** id → payload of every member (us included once our node is seen). Replays the latest. */
  readonly members$: Observable<ReadonlyMap<string, P>>;
  readonly #node: PersistentNode;
  readonly #cache: ChildrenCache<Buffer>;
  readonly #encode: (payload: P) => Uint8Array | string;
  readonly #decode: (data: Buffer) => P;
  #payload: P;
  #closed: Promise<void> | undefined;

  /**
   * @param client the client
   * @param groupPath the group's node (created as a container when missing)
   * @param opts id, payload and codec
   */
  constructor(client: ZooKeeperClient, groupPath: string, opts: GroupMemberOptions<P> = {}) {
    this.id = opts.id ?? randomUUID();
    assertSegment(this.id, 'member id');
    this.#encode = opts.encode ?? (jsonEncode as (p: P) => string);
    this.#decode = opts.decode ?? (jsonDecode as (d: Buffer) => P);
    this.#payload = (opts.payload ?? null) as P;
    this.#node = new PersistentNode(client, childPath(groupPath, this.id), {
      mode: 'ephemeral',
      data: this.#encode(this.#payload),
    });
    this.#cache = new ChildrenCache(client, groupPath);
    this.members$ = this.#cache.children$.pipe(
      map((children) => this.#decodeAll(children)),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }

  /** Our current payload. @example `me.payload` */
  get payload(): P {
    return this.#payload;
  }

  /** The members as last read (empty before `start()` finished). @example `me.members.size` */
  get members(): ReadonlyMap<string, P> {
    return this.#decodeAll(this.#cache.current);
  }

  /**
   * Joins: creates our node and reads the group. Resolves once both are done; rejects on a
   * non-transient create error (e.g. NoAuth) or after `timeoutMs` (the member keeps trying in the
   * background until `close()`).
   *
   * @example
   * ```ts
   * await member.start({ timeoutMs: 5_000 });
   * ```
   */
  async start(opts: WaitOptions = {}): Promise<void> {
    this.#node.start();
    await this.#node.waitForInitialCreate(opts);
    await this.#cache.start(opts);
  }

  /**
   * Replaces our payload in place (kept across re-creates). Resolves once it is on the server.
   *
   * @example
   * ```ts
   * await member.updatePayload({ load: 0.7 });
   * ```
   */
  async updatePayload(payload: P, opts: WaitOptions = {}): Promise<void> {
    this.#payload = payload;
    await this.#node.setData(this.#encode(payload), opts);
  }

  /**
   * Leaves the group (deletes our node) and stops following it. Idempotent.
   *
   * @example
   * ```ts
   * await member.close();
   * ```
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#node.close();
      await this.#cache.close();
    })();
    return this.#closed;
  }

  /** Same as {@link GroupMember.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #decodeAll(children: ReadonlyMap<string, { data: Buffer }>): ReadonlyMap<string, P> {
    const out = new Map<string, P>();
    for (const [id, node] of [...children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      try {
        out.set(id, this.#decode(node.data));
      } catch {
        // not one of ours: left out (see the class doc)
      }
    }
    return out;
  }
}
