// Waits, while we lead, for the first sign that we must stop: a connection state other than
// connected/reconnected, our node deleted, or the recipe stopping.
import { NoNodeError, type ZooKeeperClient } from '../../src/index.js';
import { abortable } from '../internal/wait-signal.js';
import { watchTrigger } from '../internal/watch-trigger.js';
import type { LeadershipLostError } from './errors.js';

/** Why leadership ended. */
export type HoldEnd = LeadershipLostError['reason'];

/**
 * Resolves with the reason leadership must end: `suspended`/`lost`/`closed` (a state change,
 * or another session id), `node-deleted` (our node is gone, or its watch reported the session
 * lost), or `closed` when `stop` aborts. `onBadState` is called synchronously from the state
 * notification itself, so a caller can drop leadership before anyone else sees the new state.
 * Leaves no subscription or watch behind.
 *
 * @example
 * ```ts
 * const reason = await holdLeadership(client, node.path, stop);
 * ```
 */
export async function holdLeadership(
  client: ZooKeeperClient,
  nodePath: string,
  stop: AbortSignal,
  onBadState: (end: HoldEnd) => void = () => {},
): Promise<HoldEnd> {
  const sessionId = client.sessionId;
  // Ends the node watch when we stop leading for any reason (cheaper than AbortSignal.any).
  const done = new AbortController();
  const signal = done.signal;
  const onStop = (): void => done.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  let onState: (end: HoldEnd) => void = () => {};
  const badState = new Promise<HoldEnd>((resolve) => {
    onState = resolve;
  });
  // state$ replays the current state first, so a change that happened just before we
  // subscribed is seen too.
  const subscription = client.state$.subscribe((s) => {
    if ((s === 'connected' || s === 'reconnected') && client.sessionId === sessionId) return;
    const end: HoldEnd = s === 'suspended' ? 'suspended' : s === 'closed' ? 'closed' : 'lost';
    onBadState(end); // synchronously, inside the state notification: no window as leader
    onState(end);
  });
  try {
    return await abortable(Promise.race([badState, watchNode(client, nodePath, signal, stop)]), stop).catch(
      (): HoldEnd => 'closed',
    );
  } finally {
    subscription.unsubscribe();
    stop.removeEventListener('abort', onStop);
    done.abort();
  }
}

/**
 * Resolves `node-deleted` once our node is deleted (re-arming on data changes). When the recipe
 * stops (`stop`), the watch is left armed: the node is about to be deleted, which consumes it,
 * and a `removeWatches` sent first would only delay that delete (the hand-over).
 */
async function watchNode(
  client: ZooKeeperClient,
  path: string,
  signal: AbortSignal,
  stop: AbortSignal,
): Promise<HoldEnd> {
  for (;;) {
    const trigger = watchTrigger();
    try {
      await client.getData(path, { watch: trigger.listener, signal });
    } catch (err) {
      if (err instanceof NoNodeError) return 'node-deleted';
      // Aborted, or a connection problem that the state stream reports: wait for the end.
      return new Promise<HoldEnd>((resolve) => {
        if (signal.aborted) resolve('closed');
        else signal.addEventListener('abort', () => resolve('closed'), { once: true });
      });
    }
    try {
      const event = await abortable(trigger.fired, signal);
      if (event.type !== 'data-changed') return 'node-deleted';
    } catch {
      if (!stop.aborted) trigger.dispose(client, path, 'data');
      return 'closed';
    }
  }
}
