// Waiting helpers shared by the recipes: one signal out of `{ signal, timeoutMs }`, a promise
// raced against a signal, and an abortable sleep.

/** Node's longest timer delay; `AbortSignal.timeout` with a longer one aborts at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** The `{ signal, timeoutMs }` pair accepted by every recipe wait. */
export interface WaitOptions {
  /** Aborts the wait; the wait rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Rejects the wait with a `TimeoutError` DOMException after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * Combines `signal` and `timeoutMs` into one signal (`AbortSignal.any`), or `undefined` when
 * neither is given. A `timeoutMs` that is negative, not finite, or above 2 147 483 647 (Node's
 * longest timer: a longer one would abort at once) is a `RangeError`.
 *
 * @example
 * ```ts
 * const signal = combineSignal({ signal: controller.signal, timeoutMs: 5_000 });
 * ```
 */
export function combineSignal(opts: WaitOptions = {}): AbortSignal | undefined {
  const { signal, timeoutMs } = opts;
  if (timeoutMs === undefined) return signal;
  if (!(timeoutMs >= 0 && timeoutMs <= MAX_TIMER_MS)) {
    throw new RangeError(`timeoutMs must be a number from 0 to ${MAX_TIMER_MS}, got ${timeoutMs}`);
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/**
 * Resolves or rejects like `promise`, but rejects with `signal.reason` as soon as `signal`
 * aborts. The promise itself keeps running; callers clean up after it themselves.
 *
 * @example
 * ```ts
 * const event = await abortable(trigger.fired, signal);
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Sleeps `ms` milliseconds; rejects with `signal.reason` when `signal` aborts first.
 *
 * @example
 * ```ts
 * await sleep(250, signal);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws `signal.reason` if `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
