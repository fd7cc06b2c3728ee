// Queue recipes: FIFO, priority and delay queues (at most once) and the locking queue (items
// survive a consumer's death).
export { AtMostOnceQueue, type QueueOptions } from './at-most-once-queue.js';
export { DelayQueue, type DelayedItem, type DelaySpec } from './delay-queue.js';
export {
  CompleteOutcomeUnknownError,
  ItemLockLostError,
  PutManyError,
  PutOutcomeUnknownError,
  TakeOutcomeUnknownError,
} from './errors.js';
export { LockedItem } from './locked-item.js';
export { LockingQueue, type LockingQueueItem, type LockingQueueOptions } from './locking-queue.js';
export { type PriorityItem, PriorityQueue } from './priority-queue.js';
export { Queue } from './queue.js';
export type { QueueItem } from './queue-core.js';
