// Public client API. Explicit named exports only; recipes import from here and nowhere else.

export type { Acl, ClientInfo, Id, Stat } from './protocol/index.js';
export {
  CREATOR_ALL_ACL,
  digestAcl,
  digestId,
  OPEN_ACL_UNSAFE,
  Perms,
  READ_ACL_UNSAFE,
} from './client/acl.js';
export { DEFAULT_MAX_DATA_BYTES, MAX_TTL_MS } from './client/arguments.js';
export type { ClientStats } from './client/client-stats.js';
export { connect, createClient, DEFAULT_CLIENT_OPTIONS } from './client/create-client.js';
export {
  ApiError,
  AuthFailedError,
  BadArgumentsError,
  BadVersionError,
  ClientClosedError,
  ConnectionLossError,
  DataInconsistencyError,
  EphemeralOnLocalSessionError,
  errorFromCode,
  InvalidAclError,
  InvalidArgumentError,
  InvalidCallbackError,
  isRetryable,
  MarshallingError,
  NewConfigNoQuorumError,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  NotReadOnlyError,
  NoWatcherError,
  OperationTimeoutError,
  QuotaExceededError,
  ReconfigDisabledError,
  ReconfigInProgressError,
  RequestTimeoutError,
  RuntimeInconsistencyError,
  SessionClosedRequireSaslAuthError,
  SessionExpiredError,
  SessionMovedError,
  SystemError,
  ThrottledOpError,
  UnimplementedError,
  UnknownSessionError,
  ZooKeeperError,
} from './client/errors.js';
export type { LogFields, Logger } from './client/logger.js';
export { joinPath, parentPath, validatePath } from './client/paths.js';
export {
  type ExponentialBackoffOptions,
  exponentialBackoff,
  type RetryPolicy,
  retryForever,
} from './client/retry-policy.js';
export { type DigestMd5Options, digestMd5 } from './client/sasl-digest-md5.js';
export type { SaslExchange, SaslMechanism } from './client/sasl-mechanism.js';
export type { Transaction } from './client/transaction.js';
export type {
  AddWatchOptions,
  CallOptions,
  ClientOptions,
  CreateMode,
  CreateOptions,
  OpOutcome,
  OpResult,
  PersistentWatch,
  ReadOp,
  ReadOptions,
  ReadResult,
  RemoveWatchesOptions,
  SessionState,
  TransactionCreateOptions,
  VersionOptions,
  WaitOptions,
  WatchEvent,
  WatchEventType,
  WatchListener,
} from './client/types.js';
export type { ZooKeeperClient } from './client/zookeeper-client.js';
