import { firstValueFrom, Observable } from 'rxjs';
import { combineSignal, type WaitOptions } from '../internal/abortable.js';

/**
 * The first value of `source` matching `predicate`, bounded by `{ signal, timeoutMs }`: rejects
 * with the signal's reason (a `TimeoutError` DOMException on timeout), with the stream's error,
 * or with an `Error` if the stream completes first (internal).
 *
 * @example
 * ```ts
 * const v = await firstMatch(counter.value$, (n) => n >= 10, { timeoutMs: 5_000 });
 * ```
 */
export function firstMatch<T>(
  source: Observable<T>,
  predicate: (value: T) => boolean,
  opts: WaitOptions = {},
): Promise<T> {
  const signal = combineSignal(opts);
  if (signal?.aborted) return Promise.reject(signal.reason);
  const bounded = new Observable<T>((subscriber) => {
    const onAbort = () => subscriber.error(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const sub = source.subscribe({
      next: (v) => {
        if (predicate(v)) {
          subscriber.next(v);
          subscriber.complete();
        }
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => subscriber.error(new Error('the stream ended before the awaited value arrived')),
    });
    return () => {
      signal?.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    };
  });
  return firstValueFrom(bounded);
}
