/**
 * A scripted fake ZooKeeper behind the engine's Transport interface, for unit tests: records
 * every frame the client writes (decoded) and lets the test answer, stall, cut or refuse.
 */
import {
  type ConnectRequest,
  type ConnectResponse,
  decodeConnectRequest,
  decodeRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  FrameDecoder,
  type Request,
  type Response,
} from '../../../src/protocol/index.js';
import type { HostPort } from '../../../src/client/host-provider.js';
import type { Transport, TransportFactory, TransportHandlers } from '../../../src/client/transport.js';

export type Frame = { kind: 'connect'; req: ConnectRequest } | { kind: 'request'; xid: number; req: Request };

/** What a host does with a new connection. */
export type HostMode = 'accept' | 'refuse' | 'blackhole';

export class FakeConn implements Transport {
  readonly frames: Frame[] = [];
  readonly #decoder = new FrameDecoder();
  #waiters: Array<() => void> = [];
  closed = false;
  destroyedByClient = false;
  /** Answer closeSession by itself (then drop the connection), like a real server. */
  autoCloseSession = true;
  constructor(
    readonly host: HostPort,
    readonly handlers: TransportHandlers,
  ) {}

  /** Calls of `write` by the client: one per batch it flushed. */
  writeCalls = 0;

  write(bufs: readonly Buffer[]): void {
    if (this.closed) return;
    this.writeCalls++;
    for (const b of bufs) {
      for (const body of this.#decoder.push(b)) {
        if (this.frames.length === 0) this.frames.push({ kind: 'connect', req: decodeConnectRequest(body) });
        else {
          const { xid, req } = decodeRequest(body);
          this.frames.push({ kind: 'request', xid, req });
          if (req.op === 'closeSession' && this.autoCloseSession) {
            setImmediate(() => {
              this.reply(xid);
              this.cut();
            });
          }
        }
      }
    }
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  destroy(): void {
    if (this.closed) return;
    this.destroyedByClient = true;
    this.closed = true;
    setImmediate(() => this.handlers.onClose());
  }

  /** Times the client paused reading (only after {@link FakeConn.enablePausing}). */
  pauses = 0;
  /** Whether the client has reading paused now. */
  paused = false;
  #held: Buffer[] = [];
  pauseReading?: () => void;
  resumeReading?: () => void;

  /**
   * Offers pauseReading/resumeReading like the TCP transport: while paused, what the server
   * sends waits and arrives as one read on resume (as the kernel would keep it).
   */
  enablePausing(): void {
    this.pauseReading = () => {
      this.paused = true;
      this.pauses++;
    };
    this.resumeReading = () => {
      this.paused = false;
      const held = this.#held;
      this.#held = [];
      if (held.length > 0) this.send(Buffer.concat(held));
    };
  }

  /** Server side: push raw bytes to the client (held while it paused reading). */
  send(bytes: Buffer): void {
    if (this.closed) return;
    if (this.paused) this.#held.push(bytes);
    else this.handlers.onData(bytes);
  }

  /** Server side: answers the ConnectRequest. */
  handshake(res: Partial<ConnectResponse> = {}): void {
    this.send(
      encodeConnectResponse({
        protocolVersion: 0,
        timeOut: res.timeOut ?? 3000,
        sessionId: res.sessionId ?? 0x1234n,
        passwd: res.passwd ?? Buffer.alloc(16, 7),
        readOnly: res.readOnly ?? false,
      }),
    );
  }

  reply(xid: number, res?: Response, err = 0, zxid = 10n): void {
    this.send(encodeReply({ xid, zxid, err }, err === 0 ? res : undefined));
  }

  notify(type: number, path: string, zxid = -1n): void {
    this.send(encodeNotification({ type, state: 3, path }, zxid));
  }

  /** Server side: drops the connection. */
  cut(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.handlers.onClose(err));
  }

  get requests(): Array<{ xid: number; req: Request }> {
    return this.frames.flatMap((f) => (f.kind === 'request' ? [{ xid: f.xid, req: f.req }] : []));
  }

  /** Resolves once at least `n` frames (ConnectRequest included) were received. */
  async waitFrames(n: number, timeoutMs = 2000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} frames, got ${this.frames.length}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 20);
      });
    }
    return this.frames;
  }

  /** Waits for the next request with this op and returns it. */
  async waitRequest(op: Request['op'], timeoutMs = 2000): Promise<{ xid: number; req: Request }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(
        (f): f is Extract<Frame, { kind: 'request' }> =>
          f.kind === 'request' && f.req.op === op && !this.#answered.has(f),
      );
      if (found) {
        this.#answered.add(found);
        return { xid: found.xid, req: found.req };
      }
      if (Date.now() > deadline) throw new Error(`no ${op} request`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  readonly #answered = new Set<Frame>();
}

export class FakeZk {
  readonly conns: FakeConn[] = [];
  readonly modes = new Map<string, HostMode>();
  #waiters: Array<() => void> = [];

  readonly transport: TransportFactory = (host, handlers) => {
    const conn = new FakeConn(host, handlers);
    this.conns.push(conn);
    const mode = this.modes.get(`${host.host}:${host.port}`) ?? 'accept';
    if (mode === 'accept') setImmediate(() => !conn.closed && handlers.onConnect());
    else if (mode === 'refuse') conn.cut(new Error('ECONNREFUSED'));
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
    return conn;
  };

  /** Waits for connection number `index` (0-based) and for its ConnectRequest. */
  async conn(index: number, timeoutMs = 3000): Promise<FakeConn> {
    const deadline = Date.now() + timeoutMs;
    while (this.conns.length <= index) {
      if (Date.now() > deadline) throw new Error(`expected connection #${index}, have ${this.conns.length}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 20);
      });
    }
    const c = this.conns[index]!;
    if (this.modes.get(`${c.host.host}:${c.host.port}`) !== 'refuse') {
      if ((this.modes.get(`${c.host.host}:${c.host.port}`) ?? 'accept') === 'accept')
        await c.waitFrames(1, timeoutMs);
    }
    return c;
  }
}

export const STAT = {
  czxid: 1n,
  mzxid: 2n,
  ctime: 0,
  mtime: 0,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 0,
  numChildren: 0,
  pzxid: 1n,
};

/** Polls `cond` until true or the deadline passes. */
export async function until(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
