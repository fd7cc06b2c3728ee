/**
 * The server error codes (`KeeperException.Code`, protocol.md §7.6) with their Java names,
 * messages and retryability. Used by `errors.ts` until `src/protocol` ships its own
 * `ERROR_CODES`; kept identical in shape so the switch is a one-line import change.
 *
 * @module
 */

/** One server error code. */
export interface ErrorCodeInfo {
  code: number;
  name: string;
  retryable: boolean;
  message: string;
}

/**
 * Every `KeeperException.Code` except OK (0).
 *
 * @example
 * ```ts
 * ERROR_CODES.find((c) => c.code === -101)?.name; // 'NONODE'
 * ```
 */
export const ERROR_CODES: readonly ErrorCodeInfo[] = [
  { code: -1, name: 'SYSTEMERROR', retryable: false, message: 'System error' },
  { code: -2, name: 'RUNTIMEINCONSISTENCY', retryable: false, message: 'A runtime inconsistency was found' },
  { code: -3, name: 'DATAINCONSISTENCY', retryable: false, message: 'A data inconsistency was found' },
  { code: -4, name: 'CONNECTIONLOSS', retryable: true, message: 'Connection lost' },
  {
    code: -5,
    name: 'MARSHALLINGERROR',
    retryable: false,
    message: 'Error while marshalling or unmarshalling data',
  },
  { code: -6, name: 'UNIMPLEMENTED', retryable: false, message: 'Operation is unimplemented' },
  { code: -7, name: 'OPERATIONTIMEOUT', retryable: true, message: 'Operation timeout' },
  { code: -8, name: 'BADARGUMENTS', retryable: false, message: 'Invalid arguments' },
  { code: -12, name: 'UNKNOWNSESSION', retryable: false, message: 'Unknown session' },
  { code: -13, name: 'NEWCONFIGNOQUORUM', retryable: false, message: 'No quorum of new config is connected' },
  {
    code: -14,
    name: 'RECONFIGINPROGRESS',
    retryable: true,
    message: 'Another reconfiguration is in progress',
  },
  { code: -100, name: 'APIERROR', retryable: false, message: 'API error' },
  { code: -101, name: 'NONODE', retryable: false, message: 'No node' },
  { code: -102, name: 'NOAUTH', retryable: false, message: 'Not authenticated' },
  { code: -103, name: 'BADVERSION', retryable: false, message: 'Bad version' },
  {
    code: -108,
    name: 'NOCHILDRENFOREPHEMERALS',
    retryable: false,
    message: 'Ephemeral nodes may not have children',
  },
  { code: -110, name: 'NODEEXISTS', retryable: false, message: 'Node already exists' },
  { code: -111, name: 'NOTEMPTY', retryable: false, message: 'Directory not empty' },
  { code: -112, name: 'SESSIONEXPIRED', retryable: false, message: 'Session expired' },
  { code: -113, name: 'INVALIDCALLBACK', retryable: false, message: 'Invalid callback' },
  { code: -114, name: 'INVALIDACL', retryable: false, message: 'Invalid ACL' },
  { code: -115, name: 'AUTHFAILED', retryable: false, message: 'Authentication failed' },
  { code: -118, name: 'SESSIONMOVED', retryable: true, message: 'Session moved' },
  { code: -119, name: 'NOTREADONLY', retryable: false, message: 'Not a read-only call' },
  {
    code: -120,
    name: 'EPHEMERALONLOCALSESSION',
    retryable: false,
    message: 'Ephemeral node on local session',
  },
  { code: -121, name: 'NOWATCHER', retryable: false, message: 'No such watcher' },
  { code: -122, name: 'REQUESTTIMEOUT', retryable: true, message: 'Request timeout' },
  { code: -123, name: 'RECONFIGDISABLED', retryable: false, message: 'Reconfig is disabled' },
  {
    code: -124,
    name: 'SESSIONCLOSEDREQUIRESASLAUTH',
    retryable: false,
    message: 'Session closed because client failed to authenticate',
  },
  { code: -125, name: 'QUOTAEXCEEDED', retryable: false, message: 'Quota has exceeded' },
  { code: -127, name: 'THROTTLEDOP', retryable: true, message: 'Op throttled due to high load' },
];
