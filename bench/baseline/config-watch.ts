// Baseline for bench/config.ts: the classic hand-written config watcher on node-zookeeper-client
// (getData with a watcher; on every event read again with a new watcher).
import { type NzcClient, nzc } from './nzc.js';

/** Calls `onValue(data)` with the current data and after every change, until `stop()` is called. */
export function nzcWatchConfig(client: NzcClient, path: string, onValue: (data: Buffer) => void): () => void {
  let stopped = false;
  const read = (): void => {
    if (stopped) return;
    client.getData(
      path,
      (event) => {
        if (event.getType() !== nzc.Event.NODE_DELETED) read();
      },
      (err, data) => {
        if (!err && data && !stopped) onValue(data);
      },
    );
  };
  read();
  return () => {
    stopped = true;
  };
}
