// Baseline lock for bench/locks.ts: the herd-free lock recipe from the ZooKeeper docs, written
// by hand on node-zookeeper-client the way a developer would (ephemeral-sequential node, list,
// watch the predecessor with exists, list again on its deletion; release = remove).
import { type NzcClient, nzc } from './nzc.js';

type Callback<T> = (err: unknown, value: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function seq(name: string): number {
  return Number(name.slice(-10));
}

async function mkdirp(client: NzcClient, path: string): Promise<void> {
  await call<string>((cb) => client.mkdirp(path, cb));
}

/** Acquires the lock at `path`; resolves with the path of our node. */
export async function nzcAcquire(client: NzcClient, path: string): Promise<string> {
  let ours: string;
  try {
    ours = await call<string>((cb) =>
      client.create(`${path}/lock-`, Buffer.alloc(0), nzc.CreateMode.EPHEMERAL_SEQUENTIAL, cb),
    );
  } catch (err) {
    if ((err as { getCode?: () => number }).getCode?.() !== nzc.Exception.NO_NODE) throw err;
    await mkdirp(client, path);
    return nzcAcquire(client, path);
  }
  const me = ours.slice(ours.lastIndexOf('/') + 1);
  for (;;) {
    const children = (await call<string[]>((cb) => client.getChildren(path, cb))).sort(
      (a, b) => seq(a) - seq(b),
    );
    const index = children.indexOf(me);
    if (index === 0) return ours;
    const predecessor = `${path}/${children[index - 1]}`;
    const deleted = new Promise<void>((resolve) => {
      const exists = new Promise<unknown>((res, rej) =>
        client.exists(
          predecessor,
          () => resolve(),
          (err, stat) => (err ? rej(err) : res(stat)),
        ),
      );
      void exists.then((stat) => {
        if (!stat) resolve();
      });
    });
    await deleted;
  }
}

/** Releases the lock node returned by {@link nzcAcquire}. */
export async function nzcRelease(client: NzcClient, node: string): Promise<void> {
  await call<void>((cb) => client.remove(node, -1, (err) => cb(err, undefined)));
}
