// Caches as RxJS streams: one node, the children of a node, a whole subtree.
export type { CachedNode, TreeCacheEvent, TreeNodeEvent, WatchMode } from './cache-types.js';
export type { ChildrenCacheOptions } from './children-cache.js';
export { ChildrenCache } from './children-cache.js';
export { DecodeError } from './decode-error.js';
export type { Decoder } from './decoders.js';
export { decodeOrThrow, json, jsonAs, raw, utf8 } from './decoders.js';
export { NodeCache } from './node-cache.js';
export type { TreeCacheOptions, TreeEvent } from './tree-cache.js';
export { TreeCache } from './tree-cache.js';
export type { NodeValue, WatchDataOptions } from './watch-data.js';
export { watchData } from './watch-data.js';
