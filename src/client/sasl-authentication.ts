/**
 * Runs one SASL exchange on a fresh connection, before anything else is sent on it: the
 * mechanism's tokens go out as `sasl` requests (opcode 102), the server's challenges come back
 * in the replies, until the mechanism is complete.
 *
 * @module
 */
import type { Response } from '../protocol/index.js';
import type { Connection } from './connection.js';
import { AuthFailedError, ZooKeeperError } from './errors.js';
import type { PendingRequests } from './pending-requests.js';
import type { SaslMechanism } from './sasl-mechanism.js';

/**
 * Resolves once the server accepted the mechanism's credentials and (for mutual mechanisms)
 * proved itself. Rejects with `AuthFailedError` when the server refuses the credentials or the
 * mechanism refuses the server; with the connection's error when the connection drops meanwhile.
 *
 * @example
 * ```ts
 * await authenticateSasl(conn, digestMd5({ username: 'bob', password }), requests);
 * ```
 */
export function authenticateSasl(
  conn: Connection,
  mechanism: SaslMechanism,
  requests: PendingRequests,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (err: unknown): void => {
      // A server error on the sasl reply (AUTHFAILED, SESSIONCLOSEDREQUIRESASLAUTH, ...) means
      // the credentials were refused; a connection loss is the connection's business.
      if (err instanceof ZooKeeperError && !err.retryable && !(err instanceof AuthFailedError)) {
        reject(
          new AuthFailedError({ message: `SASL ${mechanism.name} refused: ${err.message}`, cause: err }),
        );
      } else reject(err);
    };
    const send = (token: Uint8Array): void => {
      const p = requests.internal(
        { op: 'sasl', token: Buffer.from(token.buffer, token.byteOffset, token.byteLength) },
        (err) => fail(err),
        (res: Response) => onReply(res),
      );
      requests.send(conn, p);
    };
    let exchange: ReturnType<SaslMechanism['start']>;
    const onReply = (res: Response): void => {
      if (res.op !== 'sasl') {
        reject(new AuthFailedError({ message: `SASL: unexpected ${res.op} reply` }));
        return;
      }
      let next: Uint8Array | null;
      try {
        next = exchange.evaluateChallenge(res.token);
      } catch (err) {
        reject(mechanismError(mechanism, err));
        return;
      }
      if (next !== null && !exchange.complete) send(next);
      else if (exchange.complete) resolve();
      else reject(new AuthFailedError({ message: `SASL ${mechanism.name}: the exchange ended incomplete` }));
    };
    try {
      exchange = mechanism.start();
      send(exchange.initialResponse());
    } catch (err) {
      reject(mechanismError(mechanism, err));
    }
  });
}

function mechanismError(mechanism: SaslMechanism, err: unknown): AuthFailedError {
  if (err instanceof AuthFailedError) return err;
  return new AuthFailedError({
    message: `SASL ${mechanism.name}: ${err instanceof Error ? err.message : String(err)}`,
    cause: err,
  });
}
