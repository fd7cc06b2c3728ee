/**
 * One worker of the showcase: its own client (session), a service registration, a leader latch,
 * a live config, and a consumer loop that takes jobs from a locking queue and records each one
 * in a ledger while holding a mutex (the write is fenced by the lock node itself).
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Subscription } from 'rxjs';
import { connect, NodeExistsError, NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { ConfigStore } from '../../recipes/config/index.js';
import { ServiceRegistry, type ServiceRegistration } from '../../recipes/discovery/index.js';
import { LeaderLatch } from '../../recipes/leader/index.js';
import { Mutex } from '../../recipes/locks/index.js';
import { type LockedItem, LockingQueue } from '../../recipes/queues/index.js';
import { PATHS, SERVICE, type Stage, type WorkerConfig } from './stage.js';

const hex = (id: bigint): string => `0x${id.toString(16)}`;

/**
 * A showcase worker. `start()` joins everything; `close()` leaves everything (idempotent).
 *
 * @example
 * ```ts
 * const w = await Worker.start('w1', 0, connectString, stage);
 * await w.close();
 * ```
 */
export class Worker {
  readonly name: string;
  readonly client: ZooKeeperClient;
  /** Jobs this worker recorded in the ledger. */
  readonly processed: string[] = [];
  /** Config versions this worker applied (`workMs` values, in order). */
  readonly configSeen: number[] = [];
  readonly #stage: Stage;
  readonly #latch: LeaderLatch;
  readonly #mutex: Mutex;
  readonly #queue: LockingQueue;
  readonly #config: ConfigStore<WorkerConfig>;
  readonly #subs: Subscription[] = [];
  readonly #stop = new AbortController();
  #registration: ServiceRegistration | undefined;
  #consumer: Promise<void> | undefined;
  #workMs = 400;
  #closed = false;

  private constructor(name: string, client: ZooKeeperClient, stage: Stage) {
    this.name = name;
    this.client = client;
    this.#stage = stage;
    this.#latch = new LeaderLatch(client, PATHS.leader, { id: name });
    this.#mutex = new Mutex(client, PATHS.lock, { participantId: name });
    this.#queue = new LockingQueue(client, PATHS.jobs, { consumerId: name });
    this.#config = new ConfigStore<WorkerConfig>(client, PATHS.config, { defaultValue: { workMs: 400 } });
  }

  /** Connects and joins: registers as a service, watches its session, config and leadership. */
  static async start(name: string, index: number, connectString: string, stage: Stage): Promise<Worker> {
    const client = await connect(connectString, { sessionTimeoutMs: 4_000, requestTimeoutMs: 15_000 });
    const worker = new Worker(name, client, stage);
    worker.#watchSession();
    worker.#registration = await new ServiceRegistry(client, { basePath: PATHS.services }).register(
      { name: SERVICE, id: name, address: '127.0.0.1', port: 7001 + index, payload: { pid: process.pid } },
      { timeoutMs: 15_000 },
    );
    await worker.#config.start({ timeoutMs: 15_000 });
    worker.#watchConfig();
    return worker;
  }

  /** Joins the election (the first to start leads). */
  async elect(): Promise<void> {
    await this.#latch.start();
    const n = this.#stage.narrator;
    this.#subs.push(
      this.#latch.isLeader$.subscribe((leading) => {
        this.#stage.leadership(this.name, leading);
        const token = this.#latch.fencingToken;
        if (leading)
          n.ok(
            `${n.paint(this.name, 'bold', 'cyan')} is the leader  (fencing token: node seq ${token?.sequence})`,
          );
        else if (this.#stage.leaders.includes(this.name)) n.say(`${this.name} is no longer the leader`);
      }),
    );
  }

  /** Whether this worker leads right now. */
  get isLeader(): boolean {
    return this.#latch.isLeader;
  }

  /** Starts the consumer loop. */
  consume(): void {
    this.#consumer ??= this.#consumeLoop(this.#stop.signal);
  }

  /** Leaves the election, stops consuming, unregisters and closes the client. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    for (const s of this.#subs) s.unsubscribe();
    await this.#consumer;
    await this.#queue.close();
    await this.#latch.close({ mode: 'silent' }).catch(() => {});
    await this.#registration?.unregister().catch(() => {});
    await this.#config.close();
    await this.client.close();
  }

  #watchSession(): void {
    const n = this.#stage.narrator;
    let session = this.client.sessionId;
    this.#subs.push(
      this.client.state$.subscribe((state) => {
        const before = this.#stage.states.get(this.name);
        this.#stage.states.set(this.name, state);
        if (before === undefined || state === 'closed' || this.#closed) return;
        const id = this.client.sessionId;
        const note =
          state === 'reconnected'
            ? id === session
              ? ` (same session ${hex(id)})`
              : ` (NEW session ${hex(id)}: ephemeral nodes re-created)`
            : state === 'lost'
              ? ` (session ${hex(session)} expired: its ephemeral nodes are gone)`
              : '';
        if (state === 'reconnected') session = id;
        const colour = state === 'reconnected' ? 'green' : state === 'lost' ? 'red' : 'yellow';
        n.say(`${n.paint(this.name, 'bold')} session ${n.paint(state, colour)}${note}`);
      }),
    );
  }

  #watchConfig(): void {
    const n = this.#stage.narrator;
    this.#subs.push(
      this.#config.config$.subscribe((snap) => {
        const workMs = snap.value?.workMs ?? 400;
        if (this.configSeen.at(-1) === workMs) return;
        const first = this.configSeen.length === 0;
        this.configSeen.push(workMs);
        this.#workMs = workMs;
        if (!first) n.say(`${n.paint(this.name, 'bold')} reloaded config via config$: workMs=${workMs}`);
      }),
    );
  }

  async #consumeLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let item: LockedItem;
      try {
        item = await this.#queue.take({ signal });
      } catch {
        if (!signal.aborted) await sleep(200).catch(() => {});
        continue;
      }
      try {
        await this.#mutex.withLock((lost, handle) => this.#record(item, handle.path, lost), {
          signal: AbortSignal.any([signal, item.lost]),
        });
        await item.complete();
      } catch {
        // The item goes back to the queue (or already went back with our session).
        await item.giveBack().catch(() => {});
      }
    }
  }

  async #record(item: LockedItem, lockPath: string, lost: AbortSignal): Promise<void> {
    this.#stage.lockTaken(this.name);
    try {
      const job = item.data.toString();
      try {
        // Fenced write: it only applies while our lock node exists (version 0 = never changed).
        await this.client
          .multi()
          .check(lockPath, 0)
          .create(`${PATHS.ledger}/${item.name}`, `${job} by ${this.name}`)
          .commit();
        this.processed.push(job);
      } catch (err) {
        if (err instanceof NodeExistsError) {
          this.#stage.redelivered++;
          this.#stage.narrator.detail(
            `${this.name}: ${job} was already recorded (redelivered) — deduplicated`,
          );
        } else {
          if (err instanceof NoNodeError) this.#stage.fenced++;
          throw err;
        }
      }
      await sleep(this.#workMs, undefined, { signal: lost });
    } finally {
      this.#stage.lockReleased(this.name);
    }
  }
}
