// Shared values and counters.
export type { AtomicCounterOptions, AtomicValue } from './atomic-counter.js';
export { AtomicCounter } from './atomic-counter.js';
export { decodeInt32, decodeInt64, encodeInt32, encodeInt64 } from './int-codecs.js';
export type { OptimisticResult, OptimisticUpdateOptions } from './optimistic-update.js';
export { optimisticUpdate } from './optimistic-update.js';
export { SharedCounter } from './shared-counter.js';
export type { SharedValueOptions, VersionedValue } from './shared-value.js';
export { SharedValue } from './shared-value.js';
