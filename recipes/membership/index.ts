// Group membership family: explicit named exports only.
export { GroupMember, type GroupMemberOptions } from './group-member.js';
