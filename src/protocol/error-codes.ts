/**
 * Every `KeeperException.Code` of ZooKeeper 3.5–3.9, keyed by camelCase name.
 *
 * @example
 * ```ts
 * if (header.err === ErrorCode.noNode) return null;
 * ```
 */
export const ErrorCode = {
  ok: 0,
  systemError: -1,
  runtimeInconsistency: -2,
  dataInconsistency: -3,
  connectionLoss: -4,
  marshallingError: -5,
  unimplemented: -6,
  operationTimeout: -7,
  badArguments: -8,
  unknownSession: -12,
  newConfigNoQuorum: -13,
  reconfigInProgress: -14,
  apiError: -100,
  noNode: -101,
  noAuth: -102,
  badVersion: -103,
  noChildrenForEphemerals: -108,
  nodeExists: -110,
  notEmpty: -111,
  sessionExpired: -112,
  invalidCallback: -113,
  invalidAcl: -114,
  authFailed: -115,
  sessionMoved: -118,
  notReadOnly: -119,
  ephemeralOnLocalSession: -120,
  noWatcher: -121,
  requestTimeout: -122,
  reconfigDisabled: -123,
  sessionClosedRequireSaslAuth: -124,
  quotaExceeded: -125,
  throttledOp: -127,
} as const;

/** camelCase key of {@link ErrorCode}. */
export type ErrorCodeKey = keyof typeof ErrorCode;

/** Numeric value of {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeKey];

/**
 * One row of {@link ERROR_CODES}.
 *
 * `name` is the PascalCase form of the Java constant, as in Java's `KeeperErrorCode = NoNode`
 * messages: `'NoNode'`, `'NodeExists'`, `'ConnectionLoss'`; the matching error class is
 * `name + 'Error'`. `retryable` says whether retrying the same operation (after reconnecting)
 * can succeed without the caller changing anything.
 *
 * @example
 * ```ts
 * const info: ErrorCodeInfo = { code: -101, name: 'NoNode', retryable: false, message: 'The node does not exist' };
 * ```
 */
export interface ErrorCodeInfo {
  code: number;
  name: string;
  retryable: boolean;
  message: string;
}

// [retryable, message]. Retryable = transient conditions of the connection or the ensemble:
// - connectionLoss, operationTimeout, requestTimeout: the outcome is unknown and a new attempt
//   after reconnecting may succeed (Curator's RetryLoop and kazoo's KazooRetry retry these).
// - sessionMoved: the server closes the connection; on reconnect the session is owned by the
//   new server and the operation can be retried (Curator retries it too).
// - throttledOp: the server shed load; back off and retry.
// - reconfigInProgress: another reconfig is running; it finishes on its own.
// Not retryable: sessionExpired (needs a NEW session: recipes must start over, not retry),
// authFailed, every data/argument error, and the deprecated or internal codes.
const TABLE: Record<ErrorCodeKey, readonly [boolean, string]> = {
  ok: [false, 'OK'],
  systemError: [false, 'System error on the server'],
  runtimeInconsistency: [false, 'Runtime inconsistency (an earlier operation of the multi failed)'],
  dataInconsistency: [false, 'Data inconsistency'],
  connectionLoss: [true, 'Connection to the server was lost; the outcome of the request is unknown'],
  marshallingError: [false, 'Error while marshalling or unmarshalling data'],
  unimplemented: [false, 'Operation is not implemented by this server (or extended types are disabled)'],
  operationTimeout: [true, 'Operation timed out'],
  badArguments: [false, 'Invalid arguments'],
  unknownSession: [false, 'Unknown session (deprecated)'],
  newConfigNoQuorum: [false, 'No quorum of the new config is connected and up-to-date with the leader'],
  reconfigInProgress: [true, 'Another reconfiguration is in progress'],
  apiError: [false, 'API error'],
  noNode: [false, 'The node does not exist'],
  noAuth: [false, 'Not authorised for this operation'],
  badVersion: [false, 'Version conflict: the node has a different version'],
  noChildrenForEphemerals: [false, 'Ephemeral nodes may not have children'],
  nodeExists: [false, 'The node already exists'],
  notEmpty: [false, 'The node has children'],
  sessionExpired: [false, 'The session has expired'],
  invalidCallback: [false, 'Invalid callback'],
  invalidAcl: [false, 'Invalid ACL'],
  authFailed: [false, 'Authentication failed'],
  sessionMoved: [true, 'Session moved to another server'],
  notReadOnly: [false, 'Write operation on a read-only server'],
  ephemeralOnLocalSession: [false, 'Attempt to create an ephemeral node on a local session'],
  noWatcher: [false, 'No such watcher'],
  requestTimeout: [true, 'Request timed out'],
  reconfigDisabled: [false, 'Dynamic reconfiguration is disabled'],
  sessionClosedRequireSaslAuth: [
    false,
    'Session closed because the client failed to authenticate (SASL required)',
  ],
  quotaExceeded: [false, 'Quota exceeded'],
  throttledOp: [true, 'Operation throttled by the server due to high load'],
};

/**
 * Every ZooKeeper error code with its name, retryability and a human-readable message,
 * ordered from 0 downwards.
 *
 * @example
 * ```ts
 * const transient = ERROR_CODES.filter((e) => e.retryable).map((e) => e.name);
 * // ['ConnectionLoss', 'OperationTimeout', 'ReconfigInProgress', 'SessionMoved', 'RequestTimeout', 'ThrottledOp']
 * ```
 */
export const ERROR_CODES: readonly ErrorCodeInfo[] = Object.freeze(
  (Object.keys(ErrorCode) as ErrorCodeKey[]).map((key) =>
    Object.freeze({
      code: ErrorCode[key],
      name: key.charAt(0).toUpperCase() + key.slice(1),
      retryable: TABLE[key][0],
      message: TABLE[key][1],
    }),
  ),
);

const BY_CODE = new Map<number, ErrorCodeInfo>(ERROR_CODES.map((e) => [e.code, e]));

/**
 * Looks up an error code; `undefined` for a code this table does not know (treat it as a
 * generic, non-retryable server error, never as a crash).
 *
 * @example
 * ```ts
 * errorCodeInfo(-101)?.name; // 'NoNode'
 * errorCodeInfo(-9999); // undefined
 * ```
 */
export function errorCodeInfo(code: number): ErrorCodeInfo | undefined {
  return BY_CODE.get(code);
}
