/**
 * Counters kept by the session engine, exposed through `client.stats()`.
 *
 * @module
 */

/**
 * A snapshot of the client's counters since it was created.
 *
 * @example
 * ```ts
 * const { requests, errors, reconnects } = client.stats();
 * ```
 */
export interface ClientStats {
  /** User requests issued, including those that failed before reaching a server (not pings, auth replay or setWatches). */
  requests: number;
  /** User requests that failed, for any reason (server error code, connection loss, timeout, abort). */
  errors: number;
  /** Successful handshakes after the first one (same session or a new one). */
  reconnects: number;
  /** Watch notifications received from servers. */
  watchEvents: number;
  /** Bytes read from sockets. */
  bytesIn: number;
  /** Bytes written to sockets. */
  bytesOut: number;
  /** Pings sent. */
  pings: number;
}

/**
 * Mutable counters owned by the engine; {@link StatsCounter.snapshot} copies them out.
 *
 * @example
 * ```ts
 * const c = new StatsCounter();
 * c.requests++;
 * c.snapshot().requests; // 1
 * ```
 */
export class StatsCounter implements ClientStats {
  requests = 0;
  errors = 0;
  reconnects = 0;
  watchEvents = 0;
  bytesIn = 0;
  bytesOut = 0;
  pings = 0;

  /** A frozen copy of the counters. */
  snapshot(): ClientStats {
    return Object.freeze({
      requests: this.requests,
      errors: this.errors,
      reconnects: this.reconnects,
      watchEvents: this.watchEvents,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      pings: this.pings,
    });
  }
}
