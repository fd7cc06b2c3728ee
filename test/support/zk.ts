/**
 * Helpers shared by every integration test: where the test ensemble is, a fresh chroot per
 * test, connected clients that close themselves, and a polling helper.
 */
import { randomUUID } from 'node:crypto';
import { expect, inject, onTestFinished } from 'vitest';
import { connect } from '../../src/client/create-client.js';
import { NoNodeError } from '../../src/client/errors.js';
import type { ClientOptions, WatchEvent, WatchListener } from '../../src/client/types.js';
import type { ZooKeeperClient } from '../../src/client/zookeeper-client.js';

/** The shared dev ensemble, used when neither vitest nor ZK_TEST_CONNECT says otherwise. */
export const DEV_ENSEMBLE = '127.0.0.1:21811,127.0.0.1:21812,127.0.0.1:21813';

/**
 * The test ensemble's connect string (no chroot): vitest's `inject('zkConnectString')` (set by
 * test/global-setup.ts), else `ZK_TEST_CONNECT`, else the dev ensemble.
 *
 * @example
 * ```ts
 * const client = await connect(zkConnectString());
 * ```
 */
export function zkConnectString(): string {
  let injected: string | undefined;
  try {
    injected = inject('zkConnectString');
  } catch {
    injected = undefined;
  }
  return injected || process.env.ZK_TEST_CONNECT || DEV_ENSEMBLE;
}

function hostsOf(connectString: string): string {
  const slash = connectString.indexOf('/');
  return slash < 0 ? connectString : connectString.slice(0, slash);
}

function slug(name: string | undefined): string {
  const s = (name ?? 'test')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(-40)
    .replace(/^-+/, '');
  return s || 'test';
}

function currentTestName(): string | undefined {
  try {
    return expect.getState().currentTestName;
  } catch {
    return undefined;
  }
}

/** Runs `fn` when the current test finishes; outside a test (e.g. in beforeAll) returns false. */
function atTestEnd(fn: () => Promise<void>): boolean {
  try {
    onTestFinished(fn);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a unique `/t-<name>-<uuid>` node on the test ensemble and returns a connect string
 * rooted there. Inside a test the node and everything below is deleted when the test finishes.
 *
 * @example
 * ```ts
 * const cs = await freshChroot('locks');   // '127.0.0.1:21811,.../t-locks-1b2c...'
 * ```
 */
export async function freshChroot(name?: string): Promise<string> {
  const hosts = hostsOf(zkConnectString());
  const chroot = `/t-${slug(name ?? currentTestName())}-${randomUUID()}`;
  const admin = await connect(hosts, { requestTimeoutMs: 20_000 });
  try {
    await admin.create(chroot);
  } finally {
    await admin.close();
  }
  atTestEnd(async () => {
    const cleaner = await connect(hosts, { requestTimeoutMs: 20_000 });
    try {
      await cleaner.deleteRecursive(chroot);
    } finally {
      await cleaner.close();
    }
  });
  return `${hosts}${chroot}`;
}

/** Options of {@link newClient}. */
export interface NewClientOptions extends ClientOptions {
  /** Connect string to use (with its chroot) instead of a fresh chroot. */
  connectString?: string;
}

/**
 * A connected client on a fresh chroot (or `opts.connectString`), closed when the current test
 * finishes. Outside a test (beforeAll) the caller must close it.
 *
 * @example
 * ```ts
 * const client = await newClient();
 * const other = await newClient({ connectString: `${zkConnectString()}${client.chroot}` });
 * ```
 */
export async function newClient(opts: NewClientOptions = {}): Promise<ZooKeeperClient> {
  const { connectString, ...options } = opts;
  const cs = connectString ?? (await freshChroot());
  const client = await connect(cs, { requestTimeoutMs: 20_000, ...options });
  atTestEnd(() => client.close());
  return client;
}

/**
 * Calls `fn` until it returns without throwing (and not `false`), then returns its value; after
 * `timeoutMs` rethrows its last error. For conditions that have no event to wait on.
 *
 * @example
 * ```ts
 * await eventually(async () => expect(await client.exists('/container')).toBeNull(), { timeoutMs: 10_000 });
 * ```
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const interval = opts.intervalMs ?? 50;
  for (;;) {
    let failure: unknown;
    try {
      const value = await fn();
      if (value !== false) return value as Exclude<T, false>;
      failure = new Error('condition still false');
    } catch (err) {
      failure = err;
    }
    if (Date.now() >= deadline) throw failure;
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * The children of `path`, or none when the node is gone: for recipe nodes that are containers,
 * which the server may reap as soon as their last child goes.
 *
 * @example
 * ```ts
 * expect(await childrenOrNone(client, '/locks/a')).toEqual([]);
 * ```
 */
export async function childrenOrNone(client: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    return await client.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** Watch events collected by {@link recordEvents}. */
export interface EventRecorder {
  /** Pass this as the watch listener. */
  listener: WatchListener;
  /** Every event so far, in order. */
  events: WatchEvent[];
  /** Resolves with the `n`-th event (1-based; default: the next one not yet taken by `next`). */
  next(timeoutMs?: number): Promise<WatchEvent>;
}

/**
 * Records watch events and lets a test await them in order.
 *
 * @example
 * ```ts
 * const rec = recordEvents();
 * await client.getData('/a', { watch: rec.listener });
 * await client.setData('/a', 'x');
 * expect(await rec.next()).toEqual({ type: 'data-changed', path: '/a' });
 * ```
 */
export function recordEvents(): EventRecorder {
  const events: WatchEvent[] = [];
  const waiters: (() => void)[] = [];
  let taken = 0;
  const listener: WatchListener = (e) => {
    const { zxid: _zxid, ...rest } = e;
    events.push(rest);
    for (const w of waiters.splice(0)) w();
  };
  const next = async (timeoutMs = 10_000): Promise<WatchEvent> => {
    const index = taken++;
    const deadline = Date.now() + timeoutMs;
    while (events.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no watch event #${index + 1} within ${timeoutMs} ms (got ${JSON.stringify(events)})`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return events[index] as WatchEvent;
  };
  return { listener, events, next };
}
