import { FaultProxy } from './fault-proxy.js';

/**
 * The real quorum and election ports of one server.
 *
 * @example
 * ```ts
 * const { quorum, election } = mesh.ports(0, 1);
 * ```
 */
export interface PeerPorts {
  quorum: number;
  election: number;
}

interface PairProxies {
  quorum: FaultProxy;
  election: FaultProxy;
}

/**
 * Routes every server-to-server link of an ensemble through its own pair of {@link FaultProxy}s
 * (quorum and election port), one per ordered pair of servers: server `a` reaches server `b`
 * through the proxies `(a→b)`, which only `a`'s zoo.cfg lists. Cutting both `(a→b)` and `(b→a)`
 * separates the two servers without touching any other link, which is what a network partition
 * between servers needs.
 *
 * @example
 * ```ts
 * const mesh = await PeerMesh.create('127.0.0.1', [{ quorum: 2888, election: 3888 }, …]);
 * const { quorum, election } = mesh.ports(0, 1); // what server 0's zoo.cfg lists for server 1
 * mesh.setLinked(0, 1, false);                    // partition servers 0 and 1
 * ```
 */
export class PeerMesh {
  readonly #pairs: Map<string, PairProxies>;
  readonly #down = new Set<string>();

  private constructor(pairs: Map<string, PairProxies>) {
    this.#pairs = pairs;
  }

  /** Starts `n × (n − 1) × 2` proxies for `n` servers. */
  static async create(host: string, peers: readonly PeerPorts[]): Promise<PeerMesh> {
    const pairs = new Map<string, PairProxies>();
    try {
      for (let from = 0; from < peers.length; from++) {
        for (let to = 0; to < peers.length; to++) {
          const target = peers[to];
          if (from === to || !target) continue;
          // A new leader opens its quorum port only once elected, and its followers may dial it a
          // moment earlier: retry a refused connect instead of resetting them mid-handshake.
          const quorum = await FaultProxy.start({
            targetHost: host,
            targetPort: target.quorum,
            retryRefusedMs: QUORUM_RETRY_REFUSED_MS,
          });
          // A server that receives an election connection from a lower id drops it and dials
          // back the address the caller advertised in its handshake: its real port. Advertise
          // the reverse proxy instead, so that dial-back crosses the mesh too.
          const back = key(to, from);
          const election = await FaultProxy.start({
            targetHost: host,
            targetPort: target.election,
            rewritePreamble: (received) =>
              rewriteElectionAddress(received, () => `${host}:${pairs.get(back)?.election.port ?? 0}`),
          });
          pairs.set(`${from}>${to}`, { quorum, election });
        }
      }
    } catch (err) {
      await Promise.all([...pairs.values()].flatMap((p) => [p.quorum.close(), p.election.close()]));
      throw err;
    }
    return new PeerMesh(pairs);
  }

  /** The ports server `from` must use to reach server `to`. */
  ports(from: number, to: number): PeerPorts {
    const pair = this.#pair(from, to);
    return { quorum: pair.quorum.port, election: pair.election.port };
  }

  /** Whether servers `a` and `b` can reach each other (both directions). */
  isLinked(a: number, b: number): boolean {
    return !this.#down.has(key(Math.min(a, b), Math.max(a, b)));
  }

  /**
   * Cuts (`linked = false`) or restores the links between servers `a` and `b`, both directions.
   * A cut black-holes the open connections (the servers notice by their own timeouts, as in a
   * real partition); restoring resets them so both sides reconnect on a clean stream.
   */
  setLinked(a: number, b: number, linked: boolean): void {
    const id = key(Math.min(a, b), Math.max(a, b));
    if (linked === !this.#down.has(id)) return;
    for (const pair of [this.#pair(a, b), this.#pair(b, a)]) {
      for (const proxy of [pair.quorum, pair.election]) {
        if (linked) {
          proxy.heal();
          proxy.reset();
        } else {
          proxy.blackhole();
        }
      }
    }
    if (linked) this.#down.delete(id);
    else this.#down.add(id);
  }

  /** Stops every proxy. */
  async close(): Promise<void> {
    await Promise.all([...this.#pairs.values()].flatMap((p) => [p.quorum.close(), p.election.close()]));
  }

  #pair(from: number, to: number): PairProxies {
    const pair = this.#pairs.get(key(from, to));
    if (!pair) throw new RangeError(`no link from server ${from} to server ${to}`);
    return pair;
  }
}

function key(from: number, to: number): string {
  return `${from}>${to}`;
}

const MAX_PREAMBLE_BYTES = 4_096;

/** How long a quorum link retries a refused connect (a leader about to listen). */
const QUORUM_RETRY_REFUSED_MS = 2_000;

/**
 * Rewrites the address in ZooKeeper's election handshake (QuorumCnxManager, 3.5+):
 * `long protocolVersion (< 0), long sid, int length, byte[length] "host:port[|host:port…]"`.
 * Returns `undefined` while incomplete; passes anything else through unchanged.
 * @internal
 */
export function rewriteElectionAddress(received: Buffer, address: () => string): Buffer | undefined {
  if (received.length < 20) return undefined;
  const version = received.readBigInt64BE(0);
  const length = received.readInt32BE(16);
  if (version >= 0n || length < 0 || length > MAX_PREAMBLE_BYTES) return received; // old protocol: no address
  if (received.length < 20 + length) return undefined;
  const replacement = Buffer.from(address(), 'utf8');
  const head = Buffer.alloc(20);
  received.copy(head, 0, 0, 16);
  head.writeInt32BE(replacement.length, 16);
  return Buffer.concat([head, replacement, received.subarray(20 + length)]);
}
