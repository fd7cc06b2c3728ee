// Baseline for bench/work-assignment.ts: kazoo's SetPartitioner algorithm, hand-written on
// node-zookeeper-client the way a developer would port it (without its time_boundary debounce):
// join a party (ephemeral node), and on every party change release EVERY held item lock, then
// take `items[i::n]` for our rank i among n members by creating ephemeral lock nodes, waiting
// for a lock's deletion when someone still holds it.
import { type NzcClient, nzc } from './nzc.js';

type Callback<T> = (err: unknown, value: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** One SetPartitioner-style worker; `held` is the set of items it holds locks for. */
export class NzcPartitioner {
  readonly held = new Set<string>();
  /** Items released because of a party change (every held item, each time). */
  released = 0;
  #generation = 0;
  #closed = false;

  constructor(
    private readonly client: NzcClient,
    private readonly root: string,
    private readonly id: string,
    private readonly items: readonly string[],
  ) {}

  async start(): Promise<void> {
    await call<string>((cb) => this.client.mkdirp(`${this.root}/party`, cb));
    await call<string>((cb) => this.client.mkdirp(`${this.root}/locks`, cb));
    await call<string>((cb) =>
      this.client.create(`${this.root}/party/${this.id}`, nzc.CreateMode.EPHEMERAL, cb),
    );
    await this.#onPartyChange();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    await this.#releaseAll(false);
    await call<void>((cb) =>
      this.client.remove(`${this.root}/party/${this.id}`, -1, (e) => cb(e, undefined)),
    ).catch(() => undefined);
  }

  async #onPartyChange(): Promise<void> {
    if (this.#closed) return;
    const gen = ++this.#generation;
    const members = await call<string[]>((cb) =>
      this.client.getChildren(
        `${this.root}/party`,
        () => void this.#onPartyChange().catch(() => undefined),
        (err, c) => cb(err, c),
      ),
    );
    await this.#releaseAll(true);
    const sorted = [...members].sort();
    const rank = sorted.indexOf(this.id);
    if (rank < 0) return;
    const mine = [...this.items].sort().filter((_, i) => i % sorted.length === rank);
    await Promise.all(mine.map((item) => this.#acquire(item, gen)));
  }

  async #releaseAll(count: boolean): Promise<void> {
    const items = [...this.held];
    if (count) this.released += items.length;
    this.held.clear();
    await Promise.all(
      items.map((item) =>
        call<void>((cb) =>
          this.client.remove(`${this.root}/locks/${item}`, -1, (e) => cb(e, undefined)),
        ).catch(() => undefined),
      ),
    );
  }

  async #acquire(item: string, gen: number): Promise<void> {
    const path = `${this.root}/locks/${item}`;
    while (gen === this.#generation) {
      try {
        await call<string>((cb) =>
          this.client.create(path, Buffer.from(this.id), nzc.CreateMode.EPHEMERAL, cb),
        );
        if (gen !== this.#generation) {
          await call<void>((cb) => this.client.remove(path, -1, (e) => cb(e, undefined))).catch(
            () => undefined,
          );
          return;
        }
        this.held.add(item);
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== nzc.Exception.NODE_EXISTS) throw err;
      }
      await new Promise<void>((resolve) => {
        this.client.exists(
          path,
          () => resolve(),
          (err, stat) => {
            if (err || !stat) resolve();
          },
        );
      });
    }
  }
}
