/** One member of the ensemble as listed in zoo.cfg (`server.N=host:quorum:election[:observer]`). */
export interface ZooCfgPeer {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
  observer: boolean;
}

/** Inputs of {@link zooCfg}. */
export interface ZooCfgOptions {
  id: number;
  dataDir: string;
  clientHost: string;
  clientPort: number;
  tickTimeMs: number;
  /** Every member (empty for a standalone server). */
  peers: ZooCfgPeer[];
  /** Extra entries; they override the defaults. */
  extra: Record<string, string>;
}

/**
 * Renders a zoo.cfg tuned for tests: short ticks, every four-letter word, no admin server,
 * extended types (TTL nodes), a 1 s container check, no fsync.
 *
 * @example
 * ```ts
 * const text = zooCfg({ id: 1, dataDir: '/tmp/zk/data', clientHost: '127.0.0.1', clientPort: 2181,
 *   tickTimeMs: 200, peers: [], extra: {} });
 * ```
 */
export function zooCfg(options: ZooCfgOptions): string {
  const self = options.peers.find((p) => p.id === options.id);
  const entries: Record<string, string> = {
    tickTime: String(options.tickTimeMs),
    initLimit: '20',
    syncLimit: '10',
    dataDir: options.dataDir,
    clientPort: String(options.clientPort),
    clientPortAddress: options.clientHost,
    maxClientCnxns: '0',
    minSessionTimeout: String(Math.max(2 * options.tickTimeMs, 400)),
    maxSessionTimeout: '60000',
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    extendedTypesEnabled: 'true',
    forceSync: 'no',
    'autopurge.purgeInterval': '0',
    ...(self?.observer ? { peerType: 'observer' } : {}),
    ...options.extra,
  };
  const lines = Object.entries(entries).map(([key, value]) => `${key}=${value}`);
  for (const peer of options.peers) {
    const role = peer.observer ? ':observer' : '';
    lines.push(`server.${peer.id}=${peer.host}:${peer.quorumPort}:${peer.electionPort}${role}`);
  }
  return `${lines.join('\n')}\n`;
}
