/**
 * Waiting for Ctrl-C in streaming commands.
 *
 * @module
 */

/**
 * Resolves when `signal` aborts, keeping the process alive meanwhile (a pending promise alone
 * does not: Node would exit with code 13).
 *
 * @example
 * ```ts
 * await untilAborted(ctx.signal);
 * ```
 */
export async function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    clearInterval(keepAlive);
  }
}
