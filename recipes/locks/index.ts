// Locks family: explicit named exports.
export { SemaphoreMismatchError } from './errors.js';
export { LOCK_NODE_NAME, READ_NODE_NAME, WRITE_NODE_NAME } from './lock-drivers.js';
export { type FencingToken, LockHandle, type LockStatus } from './lock-handle.js';
export { type Lockable, MultiLock, MultiLockHandle } from './multi-lock.js';
export { Mutex, type MutexOptions } from './mutex.js';
export type { Participant } from './participants.js';
export { ReadWriteLock } from './read-write-lock.js';
export { REVOKE_MESSAGE, revocationRequests$, revokeLock } from './revocation.js';
export { type Lease, Semaphore, type SemaphoreOptions } from './semaphore.js';
export { type AcquireOptions, type LockOptions, SequentialLock } from './sequential-lock.js';
export type { Releasable } from './with-handle.js';
export { RecipeError, SessionLostError } from '../internal/errors.js';
