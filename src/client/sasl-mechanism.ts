/**
 * The shape of a SASL mechanism the client can run against ZooKeeper's `sasl` operation
 * (opcode 102): the client sends tokens, the server answers with challenges, until the
 * mechanism is complete. One exchange runs on every new connection, before any other traffic.
 *
 * @module
 */

/**
 * One authentication exchange on one connection.
 *
 * @example
 * ```ts
 * const exchange = mechanism.start();
 * let token: Uint8Array | null = exchange.initialResponse();
 * // send token, receive challenge, then:
 * token = exchange.evaluateChallenge(challenge);
 * ```
 */
export interface SaslExchange {
  /** The first token to send; empty when the mechanism waits for the server to speak first. */
  initialResponse(): Uint8Array;
  /**
   * The answer to a server challenge, or `null` when there is nothing more to send. Throws
   * when the challenge is malformed or the server fails to prove itself.
   */
  evaluateChallenge(challenge: Uint8Array): Uint8Array | null;
  /** True once the exchange has succeeded from the client's side. */
  readonly complete: boolean;
}

/**
 * A SASL mechanism for {@link ClientOptions.sasl}. The client ships `DIGEST-MD5`
 * ({@link digestMd5}); any other mechanism (a GSSAPI binding, say) can be plugged in by
 * implementing this interface.
 *
 * @example
 * ```ts
 * const client = createClient('zk1:2181', { sasl: digestMd5({ username: 'bob', password: 's3cret' }) });
 * ```
 */
export interface SaslMechanism {
  /** The IANA name of the mechanism, e.g. `DIGEST-MD5`. */
  readonly name: string;
  /** The identity the server will see once authenticated (for logs), e.g. the username. */
  readonly principal: string;
  /** Starts a new exchange (one per connection). */
  start(): SaslExchange;
}
