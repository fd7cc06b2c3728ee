// Baseline queue for bench/queues.ts: ZooKeeper's queue recipe written by hand on
// node-zookeeper-client the way a developer would (persistent-sequential `qn-` items; a consumer
// lists the children with a watch, sorts them, reads and deletes the head, and waits for the
// watch when the queue is empty).
import { type NzcClient, nzc } from './nzc.js';

type Callback<T> = (err: unknown, value: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function code(err: unknown): number | undefined {
  return (err as { getCode?: () => number }).getCode?.();
}

/** Appends one item. */
export async function nzcPut(client: NzcClient, path: string, data: Buffer): Promise<void> {
  await call<string>((cb) => client.create(`${path}/qn-`, data, nzc.CreateMode.PERSISTENT_SEQUENTIAL, cb));
}

/** Removes and returns the head item, waiting for one. */
export async function nzcTake(client: NzcClient, path: string): Promise<Buffer> {
  for (;;) {
    let changed: () => void = () => {};
    const watch = new Promise<void>((resolve) => {
      changed = resolve;
    });
    const children = await call<string[]>((cb) => client.getChildren(path, () => changed(), cb));
    children.sort();
    for (const child of children) {
      try {
        const data = await call<Buffer>((cb) => client.getData(`${path}/${child}`, cb));
        await call<void>((cb) => client.remove(`${path}/${child}`, -1, cb));
        return data;
      } catch (err) {
        if (code(err) !== nzc.Exception.NO_NODE) throw err;
      }
    }
    await watch;
  }
}
