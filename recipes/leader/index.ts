// Leader election recipes.
export { LatchClosedError, LeadershipLostError } from './errors.js';
export type { LatchParticipant } from './latch-participants.js';
export {
  type CloseMode,
  type LeaderFencingToken,
  // Same type under the family-local name (the root index exports LeaderFencingToken).
  type LeaderFencingToken as FencingToken,
  LeaderLatch,
  type LeaderLatchOptions,
} from './leader-latch.js';
export { type LeaderSelectorOptions, LeaderSelector, type LeadershipFn } from './leader-selector.js';
