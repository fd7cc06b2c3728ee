// Barrier recipes.
export { Barrier } from './barrier.js';
export { DoubleBarrier, type DoubleBarrierOptions, READY_NODE } from './double-barrier.js';
