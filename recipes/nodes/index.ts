// Nodes kept in place across reconnects and session loss.
export type { PersistentNodeOptions } from './persistent-node.js';
export { PersistentNode } from './persistent-node.js';
export type { PersistentTtlNodeOptions } from './persistent-ttl-node.js';
export { PersistentTtlNode } from './persistent-ttl-node.js';
