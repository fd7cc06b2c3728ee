/**
 * Create modes as sent in the `flags` field of CreateRequest / CreateTTLRequest
 * (`CreateMode.java`). Containers must be sent with opcode `createContainer` (19) and TTL modes
 * with `createTTL` (21); with plain `create` the server silently makes a container persistent.
 *
 * @example
 * ```ts
 * const req = { op: 'createContainer', path: '/c', data: Buffer.alloc(0), acl, flags: CreateFlags.container };
 * ```
 */
export const CreateFlags = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  persistentWithTtl: 5,
  persistentSequentialWithTtl: 6,
} as const;

/** Value of {@link CreateFlags}. */
export type CreateFlagsValue = (typeof CreateFlags)[keyof typeof CreateFlags];

/**
 * `Watcher.Event.EventType`. Only 1–4 arrive over the wire; the rest are synthesised by the client.
 *
 * @example
 * ```ts
 * if (event.type === WatcherEventType.nodeDeleted) console.log('gone', event.path);
 * ```
 */
export const WatcherEventType = {
  none: -1,
  nodeCreated: 1,
  nodeDeleted: 2,
  nodeDataChanged: 3,
  nodeChildrenChanged: 4,
  dataWatchRemoved: 5,
  childWatchRemoved: 6,
  persistentWatchRemoved: 7,
} as const;

/** Value of {@link WatcherEventType}. */
export type WatcherEventTypeValue = (typeof WatcherEventType)[keyof typeof WatcherEventType];

/**
 * `Watcher.Event.KeeperState`. On the wire a notification always carries `syncConnected` (3).
 *
 * @example
 * ```ts
 * KeeperState.expired; // -112
 * ```
 */
export const KeeperState = {
  disconnected: 0,
  syncConnected: 3,
  authFailed: 4,
  connectedReadOnly: 5,
  saslAuthenticated: 6,
  expired: -112,
  closed: 7,
} as const;

/** Value of {@link KeeperState}. */
export type KeeperStateValue = (typeof KeeperState)[keyof typeof KeeperState];

/**
 * `Watcher.WatcherType`, the `type` of checkWatches / removeWatches requests.
 *
 * @example
 * ```ts
 * const req = { op: 'removeWatches', path: '/a', type: WatcherType.data };
 * ```
 */
export const WatcherType = {
  children: 1,
  data: 2,
  any: 3,
} as const;

/** Value of {@link WatcherType}. */
export type WatcherTypeValue = (typeof WatcherType)[keyof typeof WatcherType];

/**
 * `AddWatchMode`, the `mode` of an addWatch request (ZooKeeper 3.6+).
 *
 * @example
 * ```ts
 * const req = { op: 'addWatch', path: '/config', mode: AddWatchMode.persistentRecursive };
 * ```
 */
export const AddWatchMode = {
  persistent: 0,
  persistentRecursive: 1,
} as const;

/** Value of {@link AddWatchMode}. */
export type AddWatchModeValue = (typeof AddWatchMode)[keyof typeof AddWatchMode];

/**
 * ACL permission bits (`ZooDefs.Perms`); combine with `|`.
 *
 * @example
 * ```ts
 * const acl = [{ perms: Perms.read | Perms.write, id: { scheme: 'world', id: 'anyone' } }];
 * ```
 */
export const Perms = {
  read: 1,
  write: 2,
  create: 4,
  delete: 8,
  admin: 16,
  all: 31,
} as const;
