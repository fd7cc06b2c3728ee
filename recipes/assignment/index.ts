// Work assignment family: explicit named exports only.
export { planAssignment, type PlanInput, targetCounts } from './assignment-plan.js';
export { NotItemOwnerError } from './not-item-owner-error.js';
export { type OwnedItem, WorkAssignment, type WorkAssignmentOptions } from './work-assignment.js';
export { addWorkItems, readWorkOwners, removeWorkItem } from './work-items.js';
export { WorkPaths } from './work-paths.js';
