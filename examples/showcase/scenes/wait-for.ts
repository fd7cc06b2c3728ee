/**
 * Polls a condition of the showcase with a deadline (the status values have no event).
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `condition()` is true; rejects with an Error naming `what` after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitFor(() => stage.leader !== undefined, 'a leader', { timeoutMs: 10_000, signal });
 * ```
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    opts.signal?.throwIfAborted();
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50, undefined, { signal: opts.signal });
  }
}
