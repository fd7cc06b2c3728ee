// Two-phase commit recipe.
export type { CoordinatorHandle, CoordinatorOptions } from './coordinator.js';
export { CorruptTransactionError, NotAParticipantError, TransactionNotFoundError } from './errors.js';
export { type DecideFn, TwoPhaseParticipant, type VoteContext } from './participant.js';
export type { Outcome } from './tx-layout.js';
export { TwoPhaseCommit } from './two-phase-commit.js';
