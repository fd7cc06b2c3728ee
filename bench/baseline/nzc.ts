// Promise helpers over node-zookeeper-client (the baseline every benchmark is compared with).
// Kept deliberately plain: what a developer would hand-write on top of that library.
import zookeeper from 'node-zookeeper-client';

export type NzcClient = zookeeper.Client;
export const nzc = zookeeper;

/** Connects a node-zookeeper-client and resolves once it is connected. */
export function connectNzc(connectString: string, sessionTimeoutMs = 10_000): Promise<NzcClient> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: sessionTimeoutMs, retries: 0 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nzc: no connection to ${connectString}`)), 15_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

/** Turns a node-style callback call into a promise. */
export function call<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** Closes a node-zookeeper-client and waits for its socket to go. */
export function closeNzc(client: NzcClient): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close();
  });
}
