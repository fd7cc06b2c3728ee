// Naming and discovery benchmarks against hand-written node-zookeeper-client versions:
// 1. unique ids: 4 sessions x 8 concurrent callers take 2048 ids (IdGenerator.nextId, with its
//    batched background deletes) vs create(EPHEMERAL_SEQUENTIAL) + remove per id;
// 2. batched ids: 2048 ids as nextIds(32) vs the same per-id create + remove;
// 3. discovery propagation: start registering an instance, time until a watching session lists it
//    (p50/p99 over 200 rounds, after 20 unrecorded warm-up rounds: the first registration also
//    creates the service's parent nodes) vs a getChildren-watch + getData loop. Both sides stand
//    at once and their rounds alternate; each round ends once the removal was seen.
import { randomUUID } from 'node:crypto';
import { filter, firstValueFrom } from 'rxjs';
import { ServiceDiscovery, ServiceRegistry } from '../recipes/discovery/index.js';
import { IdGenerator } from '../recipes/naming/index.js';
import { connect, type ZooKeeperClient } from '../src/index.js';
import type { BenchContext, BenchResult } from './bench-result.js';
import { closeNzc, connectNzc, type NzcClient, nzc } from './baseline/nzc.js';
import { nowMs, percentile, sidesInTurn } from './stats.js';

type Callback<T> = (err: unknown, value: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const SESSIONS = 4;
const CALLERS = 8;
const IDS = 2048;
const ROUNDS = 200;
const WARMUP_ROUNDS = 20;

async function withClients<T>(cs: string, n: number, fn: (c: ZooKeeperClient[]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(
    Array.from({ length: n }, () => connect(cs, { sessionTimeoutMs: 10_000 })),
  );
  try {
    return await fn(clients);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function withNzc<T>(cs: string, n: number, fn: (c: NzcClient[]) => Promise<T>): Promise<T> {
  const clients = await Promise.all(Array.from({ length: n }, () => connectNzc(cs)));
  try {
    return await fn(clients);
  } finally {
    await Promise.all(clients.map((c) => closeNzc(c)));
  }
}

async function oursIds(cs: string, path: string, batch: number): Promise<number> {
  return withClients(cs, SESSIONS, async (clients) => {
    const gens = clients.map((c) => new IdGenerator(c, path));
    await gens[0]!.nextId();
    const seen = new Set<number>();
    const per = IDS / (SESSIONS * CALLERS);
    const start = nowMs();
    await Promise.all(
      gens.flatMap((g) =>
        Array.from({ length: CALLERS }, async () => {
          if (batch > 1) {
            for (let n = 0; n < per; n += batch)
              for (const id of await g.nextIds(Math.min(batch, per - n))) seen.add(id);
          } else {
            for (let n = 0; n < per; n++) seen.add(await g.nextId());
          }
        }),
      ),
    );
    await Promise.all(gens.map((g) => g.close()));
    const elapsed = nowMs() - start;
    if (seen.size !== IDS) throw new Error(`duplicate ids: ${seen.size}`);
    return IDS / (elapsed / 1000);
  });
}

async function baselineIds(cs: string, path: string): Promise<number> {
  return withNzc(cs, SESSIONS, async (clients) => {
    await call<string>((cb) => clients[0]!.mkdirp(path, cb));
    const seen = new Set<number>();
    const per = IDS / (SESSIONS * CALLERS);
    const start = nowMs();
    await Promise.all(
      clients.flatMap((c) =>
        Array.from({ length: CALLERS }, async () => {
          for (let n = 0; n < per; n++) {
            const p = await call<string>((cb) =>
              c.create(`${path}/id-`, nzc.CreateMode.EPHEMERAL_SEQUENTIAL, cb),
            );
            seen.add(Number.parseInt(p.slice(p.lastIndexOf('-') + 1), 10));
            await call<void>((cb) => c.remove(p, -1, (err) => cb(err, undefined)));
          }
        }),
      ),
    );
    const elapsed = nowMs() - start;
    if (seen.size !== IDS) throw new Error(`duplicate ids (baseline): ${seen.size}`);
    return IDS / (elapsed / 1000);
  });
}

/** One side of the discovery benchmark: a registering and an observing session. */
interface Propagation {
  /** Registers `id`; resolves with ms until it is listed, after its removal was seen too. */
  round(id: string): Promise<number>;
  close(): Promise<void>;
}

async function oursPropagation(cs: string, base: string): Promise<Propagation> {
  const [reg, obs] = await Promise.all(
    Array.from({ length: 2 }, () => connect(cs, { sessionTimeoutMs: 10_000 })),
  );
  const registry = new ServiceRegistry(reg!, { basePath: base });
  const discovery = new ServiceDiscovery(obs!, { basePath: base });
  const list$ = discovery.instances$('svc');
  const sub = list$.subscribe();
  await firstValueFrom(list$);
  return {
    async round(id) {
      const seen = firstValueFrom(list$.pipe(filter((l) => l.some((x) => x.id === id))));
      const start = nowMs();
      const registering = registry.register({ name: 'svc', id, address: '10.0.0.1', port: 80 });
      await seen;
      const ms = nowMs() - start;
      // the next round starts from a quiet system: the removal has been seen
      const gone = firstValueFrom(list$.pipe(filter((l) => !l.some((x) => x.id === id))));
      await (await registering).unregister();
      await gone;
      return ms;
    },
    async close() {
      sub.unsubscribe();
      await Promise.all([reg!.close(), obs!.close()]);
    },
  };
}

async function baselinePropagation(cs: string, base: string): Promise<Propagation> {
  const [reg, obs] = await Promise.all(Array.from({ length: 2 }, () => connectNzc(cs)));
  const dir = `${base}/svc`;
  await call<string>((cb) => reg!.mkdirp(dir, cb));
  let known = new Map<string, unknown>();
  let stopped = false;
  let waiter: (() => void) | undefined;
  const refresh = async (): Promise<void> => {
    const children = await call<string[]>((cb) =>
      obs!.getChildren(
        dir,
        () => {
          if (!stopped) refresh().catch(() => undefined);
        },
        (err, c) => cb(err, c),
      ),
    );
    const next = new Map<string, unknown>();
    await Promise.all(
      children.map(async (c) => {
        const data = await call<Buffer>((cb) => obs!.getData(`${dir}/${c}`, (err, d) => cb(err, d)));
        next.set(c, JSON.parse(data.toString()));
      }),
    );
    known = next;
    waiter?.();
  };
  await refresh();
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve) => {
      waiter = () => {
        if (cond()) resolve();
      };
    });
  return {
    async round(id) {
      const seen = until(() => known.has(id));
      const start = nowMs();
      const body = JSON.stringify({
        name: 'svc',
        id,
        address: '10.0.0.1',
        port: 80,
        registrationTimeUTC: Date.now(),
      });
      const creating = call<string>((cb) =>
        reg!.create(`${dir}/${id}`, Buffer.from(body), nzc.CreateMode.EPHEMERAL, cb),
      );
      await seen;
      const ms = nowMs() - start;
      await creating;
      // the next round starts from a quiet system: the removal has been seen
      const gone = until(() => !known.has(id));
      await call<void>((cb) => reg!.remove(`${dir}/${id}`, -1, (err) => cb(err, undefined)));
      await gone;
      return ms;
    },
    async close() {
      stopped = true;
      await Promise.all([closeNzc(reg!), closeNzc(obs!)]);
    },
  };
}

/** Both sides stand at once; their rounds alternate (which goes first too). */
async function propagation(cs: string, root: string): Promise<[number[], number[]]> {
  const sides = [
    await oursPropagation(cs, `${root}/services`),
    await baselinePropagation(cs, `${root}/services-b`),
  ] as const;
  const samples: [number[], number[]] = [[], []];
  try {
    for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
      for (const s of sidesInTurn(i)) {
        const ms = await sides[s].round(`i${i}`);
        if (i >= WARMUP_ROUNDS) samples[s].push(ms);
      }
    }
  } finally {
    await Promise.all(sides.map((side) => side.close()));
  }
  return samples;
}

/** Runs the naming/discovery benchmarks (warm-up first, then best of 3 per side, interleaved). */
export async function run(ctx: Pick<BenchContext, 'connectString'>): Promise<BenchResult[]> {
  const cs = ctx.connectString;
  const root = `/bench-naming-${randomUUID()}`;
  const admin = await connect(cs);
  try {
    await oursIds(cs, `${root}/warm`, 1);
    await baselineIds(cs, `${root}/warm-b`);
    let ids = 0;
    let idsBatch = 0;
    let idsBase = 0;
    for (let i = 0; i < 3; i++) {
      ids = Math.max(ids, await oursIds(cs, `${root}/ids`, 1));
      idsBatch = Math.max(idsBatch, await oursIds(cs, `${root}/batch`, 32));
      idsBase = Math.max(idsBase, await baselineIds(cs, `${root}/base`));
    }
    const [ours, base] = await propagation(cs, root);
    return [
      {
        name: `unique ids, ${SESSIONS}x${CALLERS} callers, nextId()`,
        unit: 'ids/s',
        ours: ids,
        baseline: idsBase,
        betterIs: 'higher',
      },
      {
        name: 'unique ids, nextIds(32) batches',
        unit: 'ids/s',
        ours: idsBatch,
        baseline: idsBase,
        betterIs: 'higher',
      },
      {
        name: 'discovery: register → listed, p50',
        unit: 'ms',
        ours: percentile(ours, 50),
        baseline: percentile(base, 50),
        betterIs: 'lower',
      },
      {
        name: 'discovery: register → listed, p99',
        unit: 'ms',
        ours: percentile(ours, 99),
        baseline: percentile(base, 99),
        betterIs: 'lower',
      },
    ];
  } finally {
    await admin.deleteRecursive(root).catch(() => undefined);
    await admin.close();
  }
}
