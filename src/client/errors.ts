/**
 * Typed errors of the client: one {@link ZooKeeperError} subclass per server error code
 * (`KeeperException.Code`, protocol.md §7.6), built from one table so code numbers, names,
 * messages and retryability stay in step, plus the client-side errors
 * {@link ClientClosedError}, {@link RequestTimeoutError} and {@link InvalidArgumentError}.
 *
 * @module
 */
import { ERROR_CODES } from '../protocol/index.js';

/** Extra fields of a {@link ZooKeeperError}: the server path it concerns, a custom message, the cause. */
export interface ZooKeeperErrorOptions extends ErrorOptions {
  /** The path the failed operation was about (a client path when thrown by the façade). */
  path?: string;
  /** Overrides the default message of the code. */
  message?: string;
}

/** Java's constant name (`KeeperException.Code.NONODE`), message and retryability per code. */
const INFO = new Map<number, { name: string; message: string; retryable: boolean }>(
  ERROR_CODES.filter((i) => i.code !== 0).map((i) => [
    i.code,
    { name: i.name.toUpperCase(), message: i.message, retryable: i.retryable },
  ]),
);

/**
 * Base class of every error a ZooKeeper server can return, and of the client-side
 * `REQUESTTIMEOUT`. `code` is the numeric `KeeperException.Code`, `codeName` its Java name.
 *
 * @example
 * ```ts
 * try { await client.delete('/a', { version: 3 }); }
 * catch (err) { if (err instanceof ZooKeeperError && err.retryable) retryLater(); else throw err; }
 * ```
 */
export class ZooKeeperError extends Error {
  /** Numeric error code, e.g. -101 for NONODE. */
  readonly code: number;
  /** Java name of the code, e.g. `'NONODE'`; `'UNKNOWN'` for a code this client does not know. */
  readonly codeName: string;
  /** The path the failed operation was about, when there is one. */
  readonly path?: string;
  /** True when repeating the same operation may succeed (connection loss, timeouts, throttling). */
  readonly retryable: boolean;
  /** For a failed multi: every op's outcome, in op order (set by the façade). */
  results?: unknown[];
  /** For a failed multi: the index of the first op that failed (set by the façade). */
  failedOpIndex?: number;

  /**
   * @param code the server error code
   * @param opts path, message override and cause
   */
  constructor(code: number, opts: ZooKeeperErrorOptions = {}) {
    const info = INFO.get(code);
    const base = opts.message ?? info?.message ?? `Unknown ZooKeeper error code ${code}`;
    super(opts.path === undefined ? base : `${base}: ${opts.path}`, { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.codeName = info?.name ?? 'UNKNOWN';
    this.retryable = info?.retryable ?? false;
    if (opts.path !== undefined) this.path = opts.path;
  }
}

type CodeErrorClass = (new (opts?: ZooKeeperErrorOptions) => ZooKeeperError) & { readonly code: number };

/** Builds the base of a per-code subclass; the subclass itself is what errorFromCode instantiates. */
function codeError(code: number) {
  return class extends ZooKeeperError {
    /** The error code every instance of this class carries. */
    static readonly code: number = code;
    constructor(opts?: ZooKeeperErrorOptions) {
      super(code, opts);
    }
  };
}

/** SYSTEMERROR (-1): an unexpected server-side failure. @example `err instanceof SystemError` */
export class SystemError extends codeError(-1) {}
/** RUNTIMEINCONSISTENCY (-2): a multi op after the failing one. @example `err instanceof RuntimeInconsistencyError` */
export class RuntimeInconsistencyError extends codeError(-2) {}
/** DATAINCONSISTENCY (-3). @example `err instanceof DataInconsistencyError` */
export class DataInconsistencyError extends codeError(-3) {}
/**
 * CONNECTIONLOSS (-4): the connection dropped before the reply arrived; the operation may or may
 * not have been applied. Retryable.
 * @example `if (err instanceof ConnectionLossError) await retry();`
 */
export class ConnectionLossError extends codeError(-4) {}
/** MARSHALLINGERROR (-5). @example `err instanceof MarshallingError` */
export class MarshallingError extends codeError(-5) {}
/** UNIMPLEMENTED (-6): the server does not support the operation (e.g. TTL without extendedTypesEnabled). @example `err instanceof UnimplementedError` */
export class UnimplementedError extends codeError(-6) {}
/** OPERATIONTIMEOUT (-7): the server timed the operation out. Retryable. @example `err instanceof OperationTimeoutError` */
export class OperationTimeoutError extends codeError(-7) {}
/** BADARGUMENTS (-8): the server rejected an argument. @example `err instanceof BadArgumentsError` */
export class BadArgumentsError extends codeError(-8) {}
/** UNKNOWNSESSION (-12, deprecated). @example `err instanceof UnknownSessionError` */
export class UnknownSessionError extends codeError(-12) {}
/** NEWCONFIGNOQUORUM (-13): reconfig could not reach a quorum of the new config. @example `err instanceof NewConfigNoQuorumError` */
export class NewConfigNoQuorumError extends codeError(-13) {}
/** RECONFIGINPROGRESS (-14). @example `err instanceof ReconfigInProgressError` */
export class ReconfigInProgressError extends codeError(-14) {}
/** APIERROR (-100). @example `err instanceof ApiError` */
export class ApiError extends codeError(-100) {}
/** NONODE (-101): the node does not exist. @example `if (err instanceof NoNodeError) return null;` */
export class NoNodeError extends codeError(-101) {}
/** NOAUTH (-102): not authorised by the node's ACL. @example `err instanceof NoAuthError` */
export class NoAuthError extends codeError(-102) {}
/** BADVERSION (-103): the expected version did not match. @example `if (err instanceof BadVersionError) reread();` */
export class BadVersionError extends codeError(-103) {}
/** NOCHILDRENFOREPHEMERALS (-108): ephemeral nodes cannot have children. @example `err instanceof NoChildrenForEphemeralsError` */
export class NoChildrenForEphemeralsError extends codeError(-108) {}
/** NODEEXISTS (-110): the node already exists. @example `if (err instanceof NodeExistsError) ignore();` */
export class NodeExistsError extends codeError(-110) {}
/** NOTEMPTY (-111): the node has children. @example `err instanceof NotEmptyError` */
export class NotEmptyError extends codeError(-111) {}
/**
 * SESSIONEXPIRED (-112): the session is gone, and with it its ephemeral nodes and watches.
 * @example `if (err instanceof SessionExpiredError) rebuildEphemeralState();`
 */
export class SessionExpiredError extends codeError(-112) {}
/** INVALIDCALLBACK (-113). @example `err instanceof InvalidCallbackError` */
export class InvalidCallbackError extends codeError(-113) {}
/** INVALIDACL (-114): the ACL is malformed or empty. @example `err instanceof InvalidAclError` */
export class InvalidAclError extends codeError(-114) {}
/** AUTHFAILED (-115): the server rejected the credentials. @example `err instanceof AuthFailedError` */
export class AuthFailedError extends codeError(-115) {}
/** SESSIONMOVED (-118): the session moved to another server. Retryable. @example `err instanceof SessionMovedError` */
export class SessionMovedError extends codeError(-118) {}
/** NOTREADONLY (-119): a write sent to a read-only server. @example `err instanceof NotReadOnlyError` */
export class NotReadOnlyError extends codeError(-119) {}
/** EPHEMERALONLOCALSESSION (-120). @example `err instanceof EphemeralOnLocalSessionError` */
export class EphemeralOnLocalSessionError extends codeError(-120) {}
/** NOWATCHER (-121): no such watch to remove or check. @example `err instanceof NoWatcherError` */
export class NoWatcherError extends codeError(-121) {}
/**
 * REQUESTTIMEOUT (-122): the client gave up waiting for the reply (`requestTimeoutMs` or the
 * call's `timeoutMs`). Like a connection loss, the operation may or may not have been applied.
 * @example `if (err instanceof RequestTimeoutError) console.warn('slow server');`
 */
export class RequestTimeoutError extends codeError(-122) {}
/** RECONFIGDISABLED (-123). @example `err instanceof ReconfigDisabledError` */
export class ReconfigDisabledError extends codeError(-123) {}
/** SESSIONCLOSEDREQUIRESASLAUTH (-124). @example `err instanceof SessionClosedRequireSaslAuthError` */
export class SessionClosedRequireSaslAuthError extends codeError(-124) {}
/** QUOTAEXCEEDED (-125): a hard quota would be exceeded. @example `err instanceof QuotaExceededError` */
export class QuotaExceededError extends codeError(-125) {}
/** THROTTLEDOP (-127): the server is overloaded and dropped the op. Retryable. @example `err instanceof ThrottledOpError` */
export class ThrottledOpError extends codeError(-127) {}

/** Every per-code class; a unit test checks this list against the protocol's ERROR_CODES. */
export const ERROR_CLASSES: readonly CodeErrorClass[] = [
  SystemError,
  RuntimeInconsistencyError,
  DataInconsistencyError,
  ConnectionLossError,
  MarshallingError,
  UnimplementedError,
  OperationTimeoutError,
  BadArgumentsError,
  UnknownSessionError,
  NewConfigNoQuorumError,
  ReconfigInProgressError,
  ApiError,
  NoNodeError,
  NoAuthError,
  BadVersionError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NotEmptyError,
  SessionExpiredError,
  InvalidCallbackError,
  InvalidAclError,
  AuthFailedError,
  SessionMovedError,
  NotReadOnlyError,
  EphemeralOnLocalSessionError,
  NoWatcherError,
  RequestTimeoutError,
  ReconfigDisabledError,
  SessionClosedRequireSaslAuthError,
  QuotaExceededError,
  ThrottledOpError,
];

const BY_CODE = new Map<number, CodeErrorClass>(ERROR_CLASSES.map((c) => [c.code, c]));

/**
 * The typed error for a server error code. An unknown code gives a plain {@link ZooKeeperError}
 * with `codeName` `'UNKNOWN'`; never throws.
 *
 * @example
 * ```ts
 * errorFromCode(-101, '/a') instanceof NoNodeError; // true
 * ```
 */
export function errorFromCode(code: number, path?: string, opts: ErrorOptions = {}): ZooKeeperError {
  const cls = BY_CODE.get(code);
  const o: ZooKeeperErrorOptions = path === undefined ? { ...opts } : { ...opts, path };
  return cls ? new cls(o) : new ZooKeeperError(code, o);
}

/**
 * Thrown by every call made after `close()`, and by requests still pending when `close()` ran.
 *
 * @example
 * ```ts
 * await client.close();
 * await client.exists('/a').catch((e) => e instanceof ClientClosedError); // true
 * ```
 */
export class ClientClosedError extends Error {
  constructor(message = 'The ZooKeeper client is closed', opts?: ErrorOptions) {
    super(message, opts);
    this.name = 'ClientClosedError';
  }
}

/**
 * Bad input to a client call (invalid path, connect string, oversize data, bad ACL, negative
 * TTL, ...). Thrown before anything is sent.
 *
 * @example
 * ```ts
 * await client.create('no-slash').catch((e) => e instanceof InvalidArgumentError); // true
 * ```
 */
export class InvalidArgumentError extends TypeError {
  constructor(message: string, opts?: ErrorOptions) {
    super(message, opts);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * True when repeating the failed operation may succeed: connection loss, server or client
 * timeouts, session moved, throttling. Session expiry is not retryable: the session's ephemeral
 * nodes and watches are gone, and the caller must rebuild them.
 *
 * @example
 * ```ts
 * if (isRetryable(err)) await sleep(100); else throw err;
 * ```
 */
export function isRetryable(err: unknown): boolean {
  return err instanceof ZooKeeperError && err.retryable;
}
