/**
 * zk-recipes: a typed, promise-based ZooKeeper client with Curator-grade recipes.
 *
 * The client lives in `src/`, the recipes in `recipes/`; this module re-exports both.
 * The testing kit is a separate entry point: `zk-recipes/testing`.
 *
 * @packageDocumentation
 */
export * from './src/index.js';
export * from './recipes/index.js';
