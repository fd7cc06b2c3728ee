// Exactly-once puts against real network faults: the producer's link is cut at the FaultProxy
// right after a put's transaction is written, so the server applies it and the reply is lost
// (the technique of test/chaos/locks-faults.test.ts for lost create replies, applied to the
// `multi` a protected put sends). The put must resolve, and the queue must hold the item once.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CompleteOutcomeUnknownError,
  ItemLockLostError,
  type LockedItem,
  LockingQueue,
  PutOutcomeUnknownError,
  Queue,
  type QueueItem,
} from '../../recipes/queues/index.js';
import { fifoNaming, toSortedEntries } from '../../recipes/queues/queue-naming.js';
import type { Transaction, ZooKeeperClient } from '../../src/index.js';
import type { FaultProxy } from '../../src/testing/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { nextState, useDedicatedEnsemble, useFaultClients } from '../support/ensemble.js';

function base(): string {
  return `/chaos-queue-put/${randomUUID()}`;
}

/** A client whose transactions are counted, and whose `nth` transaction loses its reply. */
interface CuttingClient {
  readonly client: ZooKeeperClient;
  /** Transactions committed so far. */
  readonly commits: () => number;
}

/**
 * The same client, except that right after its `nth` transaction (`multi().commit()`) is handed
 * to the connection, `cut()` runs (same tick, before any reply can come back), typically
 * `proxy.cut('server-to-client')`: the server applies the transaction, the client never hears.
 */
function losingCommitReply(client: ZooKeeperClient, nth: number, cut: () => void): CuttingClient {
  let commits = 0;
  const wrap = (tx: Transaction): Transaction => {
    const wrapper: Transaction = new Proxy(tx, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (prop === 'commit') {
          return (...args: unknown[]) => {
            const sent = method.apply(target, args);
            if (++commits === nth) cut();
            return sent;
          };
        }
        return (...args: unknown[]) => {
          method.apply(target, args);
          return wrapper; // keep chained calls on the wrapper
        };
      },
    });
    return wrapper;
  };
  const proxied = new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (prop === 'multi') return () => wrap(method.call(target) as Transaction);
      return method.bind(target);
    },
  });
  return { client: proxied, commits: () => commits };
}

/** The items left under `path`, in take order, after a `sync` (other sessions' writes). */
async function itemsLeft(c: ZooKeeperClient, path: string): Promise<string[]> {
  await c.sync(path);
  return toSortedEntries(fifoNaming, await c.getChildren(path)).map((e) => e.name);
}

describe('queue puts whose reply is lost', () => {
  const zk = useDedicatedEnsemble({ size: 3, tickTimeMs: 250 }, { healAfterEach: true });
  const client = useFaultClients({ closeAfterEach: true });

  /** A producer behind proxy 0 whose `nth` transaction loses its reply, and a direct observer. */
  async function setUp(nth = 1) {
    const { ensemble } = zk;
    const path = base();
    const proxy = ensemble.proxy(0);
    const raw = await client(proxy.connectString, { sessionTimeoutMs: 4_000 });
    const observer = await client(ensemble.connectString);
    await observer.mkdirp(path); // the put's transaction is the first one sent
    const cutting = losingCommitReply(raw, nth, () => proxy.cut('server-to-client'));
    return { path, proxy, raw, observer, producer: cutting.client, commits: cutting.commits };
  }

  it('Queue.put: resolves with the name the server gave, the item is queued once', async () => {
    const { path, proxy, raw, observer, producer, commits } = await setUp();
    const session = raw.sessionId;
    const suspended = nextState(raw, 'suspended');
    const putting = new Queue(producer, path).put('job');
    await suspended; // the reply never came: the client gave up on the link
    proxy.heal();
    const name = await putting;
    expect(commits()).toBe(1); // found again by its uuid, not written twice
    expect(raw.sessionId).toBe(session);
    expect(await itemsLeft(observer, path)).toEqual([name]);
    expect((await observer.getData(`${path}/${name}`)).data.toString()).toBe('job');
  }, 60_000);

  it('Queue.put: a consumer takes the item before the producer can look; still not written twice', async () => {
    const { path, proxy, raw, observer, producer, commits } = await setUp();
    await using consumer = new Queue(observer, path);
    const taking = consumer.take({ timeoutMs: 30_000 });
    const suspended = nextState(raw, 'suspended');
    const putting = new Queue(producer, path).put('job');
    const taken: QueueItem = await taking; // applied by the server, taken while the producer waits
    await suspended;
    proxy.heal();
    const name = await putting; // the receipt proves the put went through
    expect(name).toBe(taken.name);
    expect(taken.data.toString()).toBe('job');
    expect(commits()).toBe(1);
    expect(await itemsLeft(observer, path)).toEqual([]);
    expect(await consumer.poll()).toBeNull();
  }, 60_000);

  it('Queue.putMany: the second multi loses its reply; every item queued once, in order', async () => {
    const { path, proxy, raw, observer, producer, commits } = await setUp(2);
    const items = Array.from({ length: 40 }, (_, i) => `${i}-${'x'.repeat(150)}`);
    const suspended = nextState(raw, 'suspended');
    const putting = new Queue(producer, path, { maxBatchBytes: 4_096 }).putMany(items);
    await suspended;
    proxy.heal();
    const names = await putting;
    expect(names).toHaveLength(40);
    const multis = new Set(names.map((n) => n.slice(6, 42))); // one uuid per multi
    expect(multis.size).toBeGreaterThanOrEqual(3);
    expect(commits()).toBe(multis.size); // none was sent twice
    expect(await itemsLeft(observer, path)).toEqual(names);
    await using consumer = new Queue(observer, path);
    const got: string[] = [];
    for (let item = await consumer.poll(); item; item = await consumer.poll()) got.push(item.data.toString());
    expect(got).toEqual(items);
  }, 60_000);

  it('LockingQueue.put: a consumer completes the item before the producer can look; queued once', async () => {
    const { path, proxy, raw, observer, producer, commits } = await setUp();
    await observer.mkdirp(`${path}/entries`);
    await using consumer = new LockingQueue(observer, path);
    const taking = consumer.take({ timeoutMs: 30_000 });
    const suspended = nextState(raw, 'suspended');
    const putting = new LockingQueue(producer, path).put('job', { priority: 7 });
    const item = await taking;
    await item.complete();
    await suspended;
    proxy.heal();
    const name = await putting;
    expect(name).toBe(item.name);
    expect(name).toMatch(/^entry-007-_c_[0-9a-f-]{36}-\d{10}$/);
    expect(commits()).toBe(1);
    await observer.sync(`${path}/entries`);
    expect(await consumer.size()).toBe(0);
  }, 60_000);

  it('session expired before the producer could look, item still queued: found, resolves', async () => {
    const { ensemble } = zk;
    const { path, proxy, raw, observer, producer, commits } = await setUp();
    const session = raw.sessionId;
    const suspended = nextState(raw, 'suspended');
    const putting = new Queue(producer, path).put('job');
    await suspended;
    await expireSession(raw, { connectString: ensemble.connectString }); // the receipt goes with it
    const lost = nextState(raw, 'lost');
    proxy.heal();
    await lost;
    const name = await putting;
    expect(raw.sessionId).not.toBe(session);
    expect(commits()).toBe(1);
    expect(await itemsLeft(observer, path)).toEqual([name]);
  }, 60_000);

  it('session expired and the item taken: PutOutcomeUnknownError with the data, nothing duplicated', async () => {
    const { ensemble } = zk;
    const { path, proxy, raw, observer, producer, commits } = await setUp();
    await using consumer = new Queue(observer, path);
    const taking = consumer.take({ timeoutMs: 30_000 });
    const suspended = nextState(raw, 'suspended');
    const putting = new Queue(producer, path).put('job').catch((err: unknown) => err);
    const taken = await taking;
    await suspended;
    await expireSession(raw, { connectString: ensemble.connectString });
    proxy.heal();
    const err = await putting;
    // Nobody can tell "applied and taken" from "never applied" once the receipt is gone: the
    // producer is told so, with the data, instead of guessing (a guess would lose or duplicate).
    expect(err).toBeInstanceOf(PutOutcomeUnknownError);
    expect((err as PutOutcomeUnknownError).data.map((d) => Buffer.from(d).toString())).toEqual(['job']);
    expect(taken.data.toString()).toBe('job');
    expect(commits()).toBe(1);
    expect(await itemsLeft(observer, path)).toEqual([]);
  }, 60_000);

  /** Starts `item.complete()`, waits for the link to fail, expires the session, heals: the outcome. */
  async function completeAcrossExpiry(raw: ZooKeeperClient, proxy: FaultProxy, item: LockedItem) {
    const suspended = nextState(raw, 'suspended');
    const completing = item.complete().catch((err: unknown) => err);
    await suspended;
    await expireSession(raw, { connectString: zk.ensemble.connectString });
    proxy.heal();
    return completing;
  }

  it('LockingQueue.complete applied, reply lost, session expired: CompleteOutcomeUnknownError, item gone', async () => {
    const { path, proxy, raw, observer, producer, commits } = await setUp(2);
    await new LockingQueue(observer, path).put('job');
    const item = await new LockingQueue(producer, path).take({ timeoutMs: 10_000 });
    expect(commits()).toBe(1); // the take's lock transaction; the complete is the next one
    const err = await completeAcrossExpiry(raw, proxy, item);
    expect(err).toBeInstanceOf(CompleteOutcomeUnknownError);
    expect(commits()).toBe(2);
    expect(await new LockingQueue(observer, path).size()).toBe(0);
  }, 60_000);

  it('LockingQueue.complete that never reached the server: plain ItemLockLostError, the item is taken again', async () => {
    const { path, proxy, raw, observer, producer } = await setUp(Number.POSITIVE_INFINITY); // no reply cut
    await new LockingQueue(observer, path).put('job');
    const item = await new LockingQueue(producer, path).take({ timeoutMs: 10_000 });
    proxy.cut('client-to-server');
    const err = await completeAcrossExpiry(raw, proxy, item);
    expect(err).toBeInstanceOf(ItemLockLostError);
    expect(err).not.toBeInstanceOf(CompleteOutcomeUnknownError);
    const again = await new LockingQueue(observer, path).take({ timeoutMs: 10_000 });
    expect(again.data.toString()).toBe('job');
    await again.complete();
  }, 60_000);
});
