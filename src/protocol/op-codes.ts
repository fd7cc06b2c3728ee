/**
 * ZooKeeper request type codes (`ZooDefs.OpCode`), identical in 3.5 through 3.9.
 *
 * @example
 * ```ts
 * OpCode.create2; // 15
 * ```
 */
export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;

/** Name of an {@link OpCode}. */
export type OpCodeName = keyof typeof OpCode;

/** Numeric value of an {@link OpCode}. */
export type OpCodeValue = (typeof OpCode)[OpCodeName];

/**
 * Reserved transaction ids (`ClientCnxn`): server notifications, pings, auth packets and
 * SetWatches(2). Normal requests use xids from 1 upwards.
 *
 * @example
 * ```ts
 * if (header.xid === Xid.notification) handleWatcherEvent(reader);
 * ```
 */
export const Xid = {
  notification: -1,
  ping: -2,
  auth: -4,
  setWatches: -8,
} as const;

/** Value of a reserved {@link Xid}. */
export type XidValue = (typeof Xid)[keyof typeof Xid];
