// Baseline leader election for bench/leader.ts: the ZooKeeper docs' election recipe written by
// hand on node-zookeeper-client (ephemeral-sequential node; the lowest leads; others watch
// their predecessor with exists and list again when it goes).
import { type NzcClient, nzc } from './nzc.js';

type Callback<T> = (err: unknown, value: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** A participant: `elected` resolves when it leads; `resign()` deletes its node. */
export interface NzcCandidate {
  readonly elected: Promise<void>;
  resign(): Promise<void>;
}

/** Joins the election at `path` (which must exist). */
export async function nzcCandidate(client: NzcClient, path: string): Promise<NzcCandidate> {
  const ours = await call<string>((cb) =>
    client.create(`${path}/n-`, Buffer.alloc(0), nzc.CreateMode.EPHEMERAL_SEQUENTIAL, cb),
  );
  const me = ours.slice(ours.lastIndexOf('/') + 1);
  const elected = (async () => {
    for (;;) {
      const children = (await call<string[]>((cb) => client.getChildren(path, cb))).sort();
      const index = children.indexOf(me);
      if (index === 0) return;
      const gone = new Promise<void>((resolve) => {
        client.exists(
          `${path}/${children[index - 1]}`,
          () => resolve(),
          (err, stat) => {
            if (err || !stat) resolve();
          },
        );
      });
      await gone;
    }
  })();
  elected.catch(() => {}); // fails with CONNECTION_LOSS when a waiting client closes
  return {
    elected,
    resign: () => call<void>((cb) => client.remove(ours, -1, cb)),
  };
}
