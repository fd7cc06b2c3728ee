// Typed configuration at a node, as an RxJS stream.
export type { ConfigSnapshot, ConfigStoreOptions } from './config-store.js';
export { ConfigStore, StaleConfigError, UpdateConflictError } from './config-store.js';
