/**
 * The operator of the showcase: its own client that sets the stage up, produces jobs, changes
 * the config, watches the service list, polls the queue for the status line, and reads the
 * ledger for the final tally.
 *
 * @module
 */
import type { Subscription } from 'rxjs';
import { connect, isRetryable, RequestTimeoutError, type ZooKeeperClient } from '../../src/index.js';
import { ConfigStore } from '../../recipes/config/index.js';
import { ServiceDiscovery } from '../../recipes/discovery/index.js';
import { LockingQueue } from '../../recipes/queues/index.js';
import { PATHS, SERVICE, type Stage, type WorkerConfig } from './stage.js';

/**
 * The operator. `start()` connects and creates the demo's nodes.
 *
 * @example
 * ```ts
 * const op = await Operator.start(connectString, stage);
 * await op.produce(10);
 * ```
 */
export class Operator {
  readonly client: ZooKeeperClient;
  readonly #stage: Stage;
  readonly #queue: LockingQueue;
  readonly #config: ConfigStore<WorkerConfig>;
  readonly #subs: Subscription[] = [];
  #poller: NodeJS.Timeout | undefined;
  #next = 1;

  private constructor(client: ZooKeeperClient, stage: Stage) {
    this.client = client;
    this.#stage = stage;
    this.#queue = new LockingQueue(client, PATHS.jobs, { consumerId: 'operator' });
    this.#config = new ConfigStore<WorkerConfig>(client, PATHS.config, { defaultValue: { workMs: 400 } });
  }

  /** Connects, creates the ledger and config nodes, and starts watching services and the queue. */
  static async start(connectString: string, stage: Stage): Promise<Operator> {
    const client = await connect(connectString, { sessionTimeoutMs: 4_000, requestTimeoutMs: 15_000 });
    const op = new Operator(client, stage);
    await client.mkdirp(PATHS.ledger);
    await client.mkdirp(`${PATHS.jobs}/entries`);
    await op.#config.update(() => ({ workMs: 400 }));
    op.#watchServices();
    op.#poller = setInterval(() => void op.#poll(), 300);
    return op;
  }

  /**
   * Puts `count` jobs in one atomic multi. When the reply is lost the ledger and queue are read
   * back to learn whether the batch landed (all or nothing), so no job is lost or doubled.
   */
  async produce(count: number): Promise<string[]> {
    const jobs = Array.from({ length: count }, () => `job-${String(this.#next++).padStart(3, '0')}`);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#queue.putMany(jobs);
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        if (isRetryable(err) || err instanceof RequestTimeoutError) {
          await this.client.waitForConnection({ timeoutMs: 15_000 });
          if (await this.#landed(jobs[0]!)) break;
        } else throw err;
      }
    }
    this.#stage.produced.push(...jobs);
    return jobs;
  }

  /** Changes the workers' config (optimistic update through the ConfigStore). */
  async setWorkMs(workMs: number): Promise<void> {
    await this.#config.update((c) => ({ ...(c ?? { workMs }), workMs }));
  }

  /** Every job recorded in the ledger: job id → worker. */
  async ledger(): Promise<Map<string, string[]>> {
    const names = await this.client.getChildren(PATHS.ledger);
    const reads = await this.client.multiRead(
      names.map((n) => ({ type: 'getData' as const, path: `${PATHS.ledger}/${n}` })),
    );
    const out = new Map<string, string[]>();
    for (const r of reads) {
      if (r.type !== 'getData') continue;
      const [job = '?', , worker = '?'] = r.data.toString().split(' ');
      out.set(job, [...(out.get(job) ?? []), worker]);
    }
    return out;
  }

  /** Items still in the queue. */
  async queueDepth(): Promise<number> {
    return (await this.client.getChildren(`${PATHS.jobs}/entries`)).length;
  }

  /** Stops polling and closes the client. */
  async close(): Promise<void> {
    if (this.#poller) clearInterval(this.#poller);
    for (const s of this.#subs) s.unsubscribe();
    await this.#queue.close();
    await this.#config.close();
    await this.client.close();
  }

  async #landed(firstJob: string): Promise<boolean> {
    const entries = await this.client.getChildren(`${PATHS.jobs}/entries`);
    for (const e of entries) {
      const { data } = await this.client.getData(`${PATHS.jobs}/entries/${e}`).catch(() => ({ data: null }));
      if (data?.toString() === firstJob) return true;
    }
    return (await this.ledger()).has(firstJob);
  }

  #watchServices(): void {
    const n = this.#stage.narrator;
    const discovery = new ServiceDiscovery(this.client, { basePath: PATHS.services });
    this.#subs.push(
      discovery.instances$(SERVICE).subscribe((list) => {
        const ids = list.map((i) => i.id);
        const before = new Set(this.#stage.services);
        const after = new Set(ids);
        for (const id of ids)
          if (!before.has(id))
            n.say(
              `discovery: ${n.paint(id, 'bold')} joined service '${SERVICE}' (${list.find((i) => i.id === id)?.address}:${list.find((i) => i.id === id)?.port})`,
            );
        for (const id of before)
          if (!after.has(id)) n.say(`discovery: ${n.paint(id, 'bold')} left service '${SERVICE}'`);
        this.#stage.services = ids;
      }),
    );
  }

  async #poll(): Promise<void> {
    try {
      const [entries, ledger] = await this.client.multiRead(
        [
          { type: 'getChildren', path: `${PATHS.jobs}/entries` },
          { type: 'getChildren', path: PATHS.ledger },
        ],
        { timeoutMs: 2_000 },
      );
      if (entries?.type === 'getChildren') this.#stage.queueDepth = entries.children.length;
      if (ledger?.type === 'getChildren') this.#stage.done = ledger.children.length;
    } catch {
      // the status line keeps its last values while the connection is down
    }
  }
}
