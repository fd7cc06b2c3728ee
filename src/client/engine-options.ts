/**
 * Options of the session engine and of its calls (see docs/design/engine-api.md).
 *
 * @module
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { HostPort } from './host-provider.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry-policy.js';
import type { SaslMechanism } from './sasl-mechanism.js';
import type { TransportFactory } from './transport.js';
import type { RawWatchListener, WatchRegistration } from './watch-manager.js';

/**
 * Settings of a `SessionEngine`; the façade fills every field.
 *
 * @example
 * ```ts
 * const opts: EngineOptions = { hosts, sessionTimeoutMs: 10_000, connectTimeoutMs: 5_000,
 *   requestTimeoutMs: 30_000, retryPolicy: exponentialBackoff(), auth: [], canBeReadOnly: false,
 *   renewSessionOnExpiry: true, logger: noopLogger };
 * ```
 */
export interface EngineOptions {
  hosts: HostPort[];
  /** Requested session timeout; the server negotiates the real one. */
  sessionTimeoutMs: number;
  /** Upper bound of one connection attempt (TCP + TLS + handshake). */
  connectTimeoutMs: number;
  /** Default per-request timeout; 0 = none. */
  requestTimeoutMs: number;
  /** Reconnect backoff, consulted after every host has failed once. */
  retryPolicy: RetryPolicy;
  /** Sent (in order) after every handshake, before any other request. */
  auth: { scheme: string; auth: Buffer }[];
  /** SASL exchange run on every connection before auth replay, setWatches and user traffic. */
  sasl?: SaslMechanism;
  canBeReadOnly: boolean;
  tls?: TlsOptions;
  renewSessionOnExpiry: boolean;
  logger: Logger;
  /** Test hook: replaces the net/tls transport. */
  transport?: TransportFactory;
  /** False keeps the connect string's host order. Default true. */
  shuffleHosts?: boolean;
  /** False: plain TCP connections read as data arrives, even under a deep pipeline. Default true. */
  readCoalescing?: boolean;
  /** Interval of the first `isro` probe in read-only mode; doubles up to 60 s. Default 100. */
  rwProbeIntervalMs?: number;
}

/**
 * Options of one engine request.
 *
 * @example
 * ```ts
 * engine.request(req, { timeoutMs: 500, watch: { kind: 'data', path: '/a', listener } });
 * ```
 */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides `requestTimeoutMs`; 0 = none. */
  timeoutMs?: number;
  /** A watch armed when the reply is OK (or NONODE for `exist`), or when addWatch succeeds. */
  watch?: WatchRegistration;
}

/**
 * Options of `SessionEngine.removeWatches`.
 *
 * @example
 * ```ts
 * await engine.removeWatches('/a', 'data', { listener, local: true });
 * ```
 */
export interface RemoveWatchesOptions {
  listener?: RawWatchListener;
  local?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}
