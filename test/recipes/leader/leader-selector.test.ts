import { describe, expect, it } from 'vitest';
import { LeaderSelector, LeadershipLostError } from '../../../recipes/leader/index.js';
import type { ZooKeeperClient } from '../../../src/index.js';
import { eventually, newClient, zkConnectString } from '../../support/zk.js';

async function peers(n: number): Promise<ZooKeeperClient[]> {
  const first = await newClient();
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => newClient({ connectString: `${zkConnectString()}${first.chroot}` })),
  );
  return [first, ...rest];
}

/** A promise plus its resolve function. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('LeaderSelector', () => {
  it('runs one function at a time; leadership passes on when it returns', async () => {
    const clients = await peers(3);
    const log: string[] = [];
    let running = 0;
    const selectors = clients.map(
      (client, i) =>
        new LeaderSelector(client, '/sel', async (signal, term) => {
          running++;
          expect(running).toBe(1);
          expect(term.fencingToken).toBeDefined();
          expect(signal.aborted).toBe(false);
          log.push(`start-${i}`);
          await new Promise((r) => setTimeout(r, 50));
          log.push(`end-${i}`);
          running--;
        }),
    );
    for (const s of selectors) await s.start();
    await eventually(() => expect(log).toHaveLength(6), { timeoutMs: 10_000 });
    expect(log).toEqual(['start-0', 'end-0', 'start-1', 'end-1', 'start-2', 'end-2']);
    for (const s of selectors) await s.close();
    await clients[0]?.sync('/sel'); // the others deleted their nodes: sync before reading
    expect(await clients[0]?.getChildren('/sel').catch(() => [])).toEqual([]);
  });

  it('autoRequeue takes turns again; close aborts the running function with LeadershipLostError', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const turns: string[] = [];
    const make = (client: ZooKeeperClient, id: string): LeaderSelector =>
      new LeaderSelector(
        client,
        '/sel',
        async () => {
          turns.push(id);
          await new Promise((r) => setTimeout(r, 20));
        },
        { id, autoRequeue: true },
      );
    const sa = make(a, 'a');
    const sb = make(b, 'b');
    await sa.start();
    await sb.start();
    await eventually(() => expect(turns.length).toBeGreaterThanOrEqual(4), { timeoutMs: 10_000 });
    expect(turns.slice(0, 4)).toEqual(['a', 'b', 'a', 'b']);
    await sa.close();
    await sb.close();

    const aborted = deferred<unknown>();
    const blocking = new LeaderSelector(a, '/sel2', (signal) => {
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted.resolve(signal.reason);
          resolve();
        });
      });
    });
    await blocking.start();
    await eventually(() => expect(blocking.isLeader).toBe(true));
    await blocking.close();
    const reason = await aborted.promise;
    expect(reason).toBeInstanceOf(LeadershipLostError);
    expect((reason as LeadershipLostError).reason).toBe('closed');
  });

  it('interruptLeadership aborts the function; with autoRequeue it leads again later', async () => {
    const client = await newClient();
    let terms = 0;
    const reasons: unknown[] = [];
    const selector = new LeaderSelector(
      client,
      '/sel',
      (signal) =>
        new Promise<void>((resolve) => {
          terms++;
          signal.addEventListener('abort', () => {
            reasons.push(signal.reason);
            resolve();
          });
        }),
      { autoRequeue: true },
    );
    await selector.start();
    await eventually(() => expect(terms).toBe(1));
    selector.interruptLeadership();
    await eventually(() => expect(terms).toBe(2));
    selector.interruptLeadership();
    await eventually(() => expect(terms).toBe(3));
    expect(reasons.map((r) => (r as LeadershipLostError).reason)).toEqual(['interrupted', 'interrupted']);
    await selector.close();
  });

  it('a function that throws is reported and leadership is released', async () => {
    const [a, b] = (await peers(2)) as [ZooKeeperClient, ZooKeeperClient];
    const errors: unknown[] = [];
    const failing = new LeaderSelector(
      a,
      '/sel',
      async () => {
        throw new Error('boom');
      },
      { onError: (err) => errors.push(err) },
    );
    await failing.start();
    const ran = deferred();
    const next = new LeaderSelector(b, '/sel', async () => ran.resolve());
    await next.start();
    await ran.promise;
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
    await failing.close();
    await next.close();
  });
});

describe('LeaderSelector stress', () => {
  it('8 sessions x 5 terms with autoRequeue: a shared check never sees two leaders at once', async () => {
    const clients = await peers(8);
    let running = 0;
    let maxRunning = 0;
    let terms = 0;
    const all = clients.map(
      (client) =>
        new LeaderSelector(
          client,
          '/stress',
          async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((r) => setImmediate(r));
            terms++;
            running--;
          },
          { autoRequeue: true },
        ),
    );
    for (const s of all) await s.start();
    await eventually(() => expect(terms).toBeGreaterThanOrEqual(40), { timeoutMs: 30_000 });
    await Promise.all(all.map((s) => s.close()));
    expect(maxRunning).toBe(1);
  }, 60_000);
});
