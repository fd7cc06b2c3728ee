/**
 * Forces a session to expire on the server, for tests (Curator's old `KillSession`): a second
 * connection attaches to the same session with its id and password, then closes it.
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { InvalidArgumentError } from '../client/errors.js';
import { formatHost, type HostPort, parseConnectString } from '../client/host-provider.js';
import {
  decodeConnectResponse,
  decodeReplyHeader,
  encodeConnectRequest,
  encodeRequest,
  FrameDecoder,
  JuteReader,
} from '../protocol/index.js';

/** The parts of a client that {@link expireSession} needs (the public client has them). */
export interface SessionHandle {
  readonly sessionId: bigint;
  readonly sessionPassword: Buffer;
}

/** Options of {@link expireSession}. */
export interface ExpireSessionOptions {
  /** Servers of the ensemble (`'h1:2181,h2:2181'`; a chroot is ignored). */
  connectString: string;
  /** Gives up after this long. Default 10 000. */
  timeoutMs?: number;
  /** TLS options when the servers only speak TLS. */
  tls?: tls.ConnectionOptions;
}

/** What {@link expireSession} did. */
export interface ExpireSessionResult {
  /** The server the session was closed through. */
  host: HostPort;
  /** True when the server already considered the session expired. */
  alreadyExpired: boolean;
}

/**
 * Expires `client`'s session on the server: opens a second raw connection with the same session
 * id and password, sends closeSession, and resolves when the server confirmed it. The session's
 * ephemeral nodes are deleted and its watches dropped at that point. The original client notices
 * at its next contact with a server: its connection is closed (at once when it was on the same
 * server, or when the server applies the close), it goes `suspended`, then `lost` when the
 * server answers its reconnect with "session expired", then (by default) `reconnected` with a
 * new session.
 *
 * Hosts are tried in order until one answers.
 *
 * @throws InvalidArgumentError when the client has no session (sessionId 0)
 * @throws Error when no server could be reached within `timeoutMs`
 * @example
 * ```ts
 * import { expireSession } from 'zk-recipes/testing';
 * await expireSession(client, { connectString: ensemble.connectString });
 * await waitUntil(() => client.state === 'reconnected');
 * ```
 */
export async function expireSession(
  client: SessionHandle,
  opts: ExpireSessionOptions,
): Promise<ExpireSessionResult> {
  const sessionId = client.sessionId;
  const passwd = client.sessionPassword;
  if (sessionId === 0n || passwd.length === 0) {
    throw new InvalidArgumentError('expireSession: the client has no session (sessionId 0)');
  }
  const { hosts } = parseConnectString(opts.connectString);
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const errors: string[] = [];
  while (Date.now() < deadline) {
    for (const host of hosts) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const alreadyExpired = await closeVia(
          host,
          sessionId,
          Buffer.from(passwd),
          Math.min(left, 3_000),
          opts.tls,
        );
        return { host, alreadyExpired };
      } catch (err) {
        errors.push(`${formatHost(host)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `expireSession: no server closed session 0x${sessionId.toString(16)}: ${errors.join('; ')}`,
  );
}

/** One attempt through one server; resolves true when the session had already expired. */
function closeVia(
  host: HostPort,
  sessionId: bigint,
  passwd: Buffer,
  timeoutMs: number,
  tlsOptions: tls.ConnectionOptions | undefined,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const decoder = new FrameDecoder();
    let handshaken = false;
    let settled = false;
    const finish = (err: Error | null, expired = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(expired);
    };
    const onConnect = (): void => {
      // closeSession goes in the same write as the ConnectRequest: the server holds further
      // requests until the session is attached to this connection, then closes it at once. The
      // client under test (whose connection the server drops when we attach) gets no chance to
      // win its session back in between and act on it (e.g. lead again) right before the kill.
      socket.write(
        Buffer.concat([
          encodeConnectRequest({
            protocolVersion: 0,
            lastZxidSeen: 0n,
            timeOut: 30_000,
            sessionId,
            passwd,
            readOnly: false,
          }),
          encodeRequest(1, { op: 'closeSession' }),
        ]),
      );
    };
    const socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host: host.host, port: host.port }, onConnect)
      : net.connect({ host: host.host, port: host.port }, onConnect);
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed before closeSession was confirmed')));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          if (!handshaken) {
            handshaken = true;
            const res = decodeConnectResponse(frame);
            if (res.timeOut <= 0) {
              finish(null, true);
              return;
            }
            if (res.sessionId !== sessionId) {
              // (our pipelined closeSession then closes that fresh session: nothing leaks)
              finish(new Error(`server attached session 0x${res.sessionId.toString(16)} instead`));
              return;
            }
            continue;
          }
          const header = decodeReplyHeader(new JuteReader(frame));
          if (header.xid !== 1) continue;
          if (header.err !== 0) finish(new Error(`closeSession failed with code ${header.err}`));
          else finish(null, false);
          return;
        }
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
