import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * One direction of a proxied connection.
 *
 * @example
 * ```ts
 * ensemble.proxy(0).cut('server-to-client'); // requests arrive, answers never do
 * ```
 */
export type ProxyDirection = 'client-to-server' | 'server-to-client';

/**
 * Options of {@link FaultProxy.start}.
 *
 * @example
 * ```ts
 * const proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: 2181, port: 12181 });
 * ```
 */
export interface FaultProxyOptions {
  /** Where to forward to. */
  targetHost: string;
  targetPort: number;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
  /**
   * Rewrites the first bytes a client sends on each connection (a protocol preamble). Called
   * with everything received so far; return the bytes to forward instead, or `undefined` while
   * the preamble is still incomplete. Used by {@link PeerMesh} for ZooKeeper's election handshake.
   */
  rewritePreamble?: (received: Buffer) => Buffer | undefined;
  /**
   * How long a refused connect to the target is retried (every 20 ms) while the accepted client
   * waits, its bytes held (default 0: a refused target resets the client at once). Without a
   * proxy, a refused connect fails before the client has a connection and it simply retries; a
   * proxy has already accepted, so a reset lands later, mid-handshake. ZooKeeper learners treat
   * that as a failed leader and start a new election, which can repeat for as long as the new
   * leader opens its quorum port a moment after its followers dial it. Used by {@link PeerMesh}
   * for quorum links.
   */
  retryRefusedMs?: number;
}

interface Lane {
  from: Socket;
  to: Socket;
  direction: ProxyDirection;
  queue: Array<{ at: number; chunk: Buffer }>;
  timer?: NodeJS.Timeout;
  /** The source ended while data was still queued: end the target once the queue drains. */
  endPending: boolean;
  /** The source closed while data was still queued: run this once the queue drains. */
  onDrained?: () => void;
}

interface Link {
  client: Socket;
  server: Socket;
  lanes: [Lane, Lane];
}

/**
 * A TCP proxy in front of one ZooKeeper server that injects network faults into the client
 * links going through it (the etcd3 / Toxiproxy approach): delay, black hole, one-way cut, reset,
 * refusal. Faults apply to existing and new connections until {@link FaultProxy.heal}.
 *
 * - `delay(ms)`: every chunk is forwarded `ms` later (order kept).
 * - `blackhole()`: nothing is forwarded in either direction and nothing is closed: the client
 *   sees a silent peer (a partition), so only its own timeouts can save it.
 * - `cut(direction)`: one direction is black-holed (asymmetric partition).
 * - `reset()`: current connections are destroyed with a TCP RST (`ECONNRESET` at the client).
 * - `refuse()`: new connections are closed as soon as they are accepted.
 *
 * @example
 * ```ts
 * import { connect } from 'zk-recipes';
 * import { FaultProxy } from 'zk-recipes/testing';
 * await using proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: 2181 });
 * const client = await connect(proxy.connectString);
 * proxy.blackhole();            // client goes 'suspended' after its read timeout
 * proxy.heal();
 * ```
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #links = new Set<Link>();
  /** Accepted clients whose target connect is still being retried. */
  readonly #waiting = new Set<Socket>();
  #targetHost: string;
  #targetPort: number;
  readonly #delayMs: Record<ProxyDirection, number> = { 'client-to-server': 0, 'server-to-client': 0 };
  readonly #cut: Record<ProxyDirection, boolean> = { 'client-to-server': false, 'server-to-client': false };
  #refusing = false;
  #closed = false;
  #accepted = 0;

  readonly #rewritePreamble: FaultProxyOptions['rewritePreamble'];
  readonly #retryRefusedMs: number;

  private constructor(server: Server, options: FaultProxyOptions) {
    this.#rewritePreamble = options.rewritePreamble;
    this.#retryRefusedMs = options.retryRefusedMs ?? 0;
    this.#server = server;
    this.#targetHost = options.targetHost;
    this.#targetPort = options.targetPort;
  }

  /**
   * Starts listening and resolves once the proxy accepts connections.
   *
   * @example
   * ```ts
   * const proxy = await FaultProxy.start({ targetHost: '127.0.0.1', targetPort: 2181 });
   * ```
   */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer({ noDelay: true });
    const retry = options.retryRefusedMs ?? 0;
    if (!Number.isFinite(retry) || retry < 0) {
      throw new RangeError(`retryRefusedMs must be a non-negative number, got ${retry}`);
    }
    const proxy = new FaultProxy(server, options);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {}); // e.g. EMFILE on accept: never crash the test process
    server.unref();
    return proxy;
  }

  /** The address the proxy listens on. */
  get host(): string {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.address : '127.0.0.1';
  }

  /** The port the proxy listens on. */
  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** `host:port` of the proxy, ready for a connect string. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  /** Connections currently open through the proxy. */
  get connectionCount(): number {
    return this.#links.size;
  }

  /** Connections accepted since the proxy started (refused ones included). */
  get acceptedCount(): number {
    return this.#accepted;
  }

  /** Forwards new connections to another server (e.g. after a container moved ports). */
  setTarget(host: string, port: number): void {
    this.#targetHost = host;
    this.#targetPort = port;
  }

  /**
   * Delays forwarding by `ms` in one or both directions (default both). `delay(0)` removes it.
   *
   * @example
   * ```ts
   * ensemble.proxy(0).delay(300, 'server-to-client');
   * ```
   */
  delay(ms: number, direction: ProxyDirection | 'both' = 'both'): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`delay must be a non-negative number of ms, got ${ms}`);
    for (const d of this.#directions(direction)) this.#delayMs[d] = ms;
  }

  /** Swallows all data in both directions without closing anything (a network partition). */
  blackhole(): void {
    this.#cut['client-to-server'] = true;
    this.#cut['server-to-client'] = true;
  }

  /** Swallows all data in one direction (an asymmetric partition). */
  cut(direction: ProxyDirection): void {
    this.#directions(direction);
    this.#cut[direction] = true;
  }

  /** Closes new connections as soon as they are accepted. Existing ones are left alone. */
  refuse(): void {
    this.#refusing = true;
  }

  /** Destroys every current connection with a TCP RST on both sides. */
  reset(): void {
    for (const link of [...this.#links]) this.#drop(link, true);
    for (const client of this.#waiting) client.resetAndDestroy();
  }

  /** Removes every fault: no delay, no cut or black hole, new connections accepted. */
  heal(): void {
    this.#delayMs['client-to-server'] = 0;
    this.#delayMs['server-to-client'] = 0;
    this.#cut['client-to-server'] = false;
    this.#cut['server-to-client'] = false;
    this.#refusing = false;
    // Links whose one side closed behind a cut: the survivor may learn it now.
    for (const link of [...this.#links]) {
      if (link.client.destroyed || link.server.destroyed) this.#drop(link, false);
    }
  }

  /** Stops listening and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const link of [...this.#links]) this.#drop(link, false);
    for (const client of this.#waiting) client.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Same as {@link FaultProxy.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #directions(direction: ProxyDirection | 'both'): ProxyDirection[] {
    if (direction === 'both') return ['client-to-server', 'server-to-client'];
    if (direction !== 'client-to-server' && direction !== 'server-to-client') {
      throw new TypeError(`unknown direction ${JSON.stringify(direction)}`);
    }
    return [direction];
  }

  #accept(client: Socket): void {
    this.#accepted++;
    if (this.#refusing || this.#closed) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    if (this.#retryRefusedMs === 0) {
      this.#link(client, this.#dial());
      return;
    }
    // Hold the client (its bytes wait in the kernel) until the target accepts.
    client.pause();
    client.on('error', () => {});
    this.#waiting.add(client);
    void this.#dialUntilAccepted(client, Date.now() + this.#retryRefusedMs).then((server) => {
      this.#waiting.delete(client);
      if (client.destroyed || this.#closed || !server) {
        server?.destroy();
        if (!client.destroyed) client.resetAndDestroy();
        return;
      }
      this.#link(client, server);
      client.resume();
    });
  }

  #dial(): Socket {
    return connect({ host: this.#targetHost, port: this.#targetPort, allowHalfOpen: true, noDelay: true });
  }

  /** A connected socket to the target; `undefined` once refused past `deadline` or `client` left. */
  async #dialUntilAccepted(client: Socket, deadline: number): Promise<Socket | undefined> {
    for (;;) {
      const socket = this.#dial();
      const connected = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('error', () => resolve(false));
      });
      if (connected) return socket;
      socket.destroy();
      if (this.#closed || client.destroyed || Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  #link(client: Socket, server: Socket): void {
    const link: Link = {
      client,
      server,
      lanes: [
        { from: client, to: server, direction: 'client-to-server', queue: [], endPending: false },
        { from: server, to: client, direction: 'server-to-client', queue: [], endPending: false },
      ],
    };
    this.#links.add(link);
    for (const lane of link.lanes) {
      let preamble: Buffer | undefined =
        lane.direction === 'client-to-server' && this.#rewritePreamble ? Buffer.alloc(0) : undefined;
      lane.from.on('data', (chunk: Buffer) => {
        if (preamble === undefined) {
          this.#forward(lane, chunk);
          return;
        }
        preamble = Buffer.concat([preamble, chunk]);
        const rewritten = this.#rewritePreamble?.(preamble);
        if (rewritten === undefined) return;
        preamble = undefined;
        this.#forward(lane, rewritten);
      });
      lane.from.on('end', () => {
        if (this.#cut[lane.direction]) return;
        if (lane.queue.length > 0) lane.endPending = true;
        else lane.to.end();
      });
    }
    // 'close' always follows 'error'; a failed or reset upstream is passed on as a reset.
    let serverFailed = false;
    client.on('error', () => {});
    server.on('error', () => {
      serverFailed = true;
    });
    client.on('close', () => this.#sideClosed(link, 'client-to-server', false));
    server.on('close', () => this.#sideClosed(link, 'server-to-client', serverFailed));
  }

  // One side closed. Behind a cut the other side must not learn it (a partition hides FIN and
  // RST too), so the link stays half-open until the other side closes, or reset()/close().
  #sideClosed(link: Link, from: ProxyDirection, rst: boolean): void {
    const lane = from === 'client-to-server' ? link.lanes[0] : link.lanes[1];
    if (lane.queue.length > 0 && !this.#cut[from]) {
      lane.onDrained = () => this.#sideClosed(link, from, rst);
      return;
    }
    if (this.#cut[from]) {
      const gone = from === 'client-to-server' ? link.client : link.server;
      const other = from === 'client-to-server' ? link.server : link.client;
      gone.destroy();
      if (!other.destroyed) return;
    }
    this.#drop(link, rst);
  }

  #forward(lane: Lane, chunk: Buffer): void {
    if (this.#cut[lane.direction]) return;
    const delayMs = this.#delayMs[lane.direction];
    if (delayMs === 0 && lane.queue.length === 0) {
      if (lane.to.writable) lane.to.write(chunk);
      return;
    }
    lane.queue.push({ at: Date.now() + delayMs, chunk });
    this.#schedule(lane);
  }

  #schedule(lane: Lane): void {
    if (lane.timer) return;
    const next = lane.queue[0];
    if (!next) return;
    lane.timer = setTimeout(
      () => {
        lane.timer = undefined;
        const now = Date.now();
        while (lane.queue[0] && lane.queue[0].at <= now) {
          const { chunk } = lane.queue.shift()!;
          if (lane.to.writable) lane.to.write(chunk);
        }
        if (lane.queue.length > 0) {
          this.#schedule(lane);
          return;
        }
        if (lane.endPending && !lane.to.destroyed) lane.to.end();
        lane.endPending = false;
        const onDrained = lane.onDrained;
        lane.onDrained = undefined;
        onDrained?.();
      },
      Math.max(0, next.at - Date.now()),
    );
  }

  #drop(link: Link, rst: boolean): void {
    if (!this.#links.delete(link)) return;
    for (const lane of link.lanes) {
      clearTimeout(lane.timer);
      lane.queue.length = 0;
    }
    for (const socket of [link.client, link.server]) {
      if (socket.destroyed) continue;
      if (rst && socket.readyState !== 'opening') socket.resetAndDestroy();
      else if (rst || this.#closed) socket.destroy();
      else socket.destroySoon(); // let already forwarded bytes reach the peer first
    }
  }
}
