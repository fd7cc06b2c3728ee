// Kept for the recipes that import `../internal/abortable.js`: the same helpers as
// `wait-signal.ts` (one implementation, two import paths). New code imports wait-signal.js.
export { abortable, combineSignal, sleep, throwIfAborted, type WaitOptions } from './wait-signal.js';
