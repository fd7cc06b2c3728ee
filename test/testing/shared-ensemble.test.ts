import { describe, expect, inject, it } from 'vitest';
import { fourLetterWord, readServerRole } from '../../src/testing/index.js';

describe('shared test ensemble (global setup)', () => {
  it('provides a connect string whose servers all answer and form a quorum', async () => {
    const connect = inject('zkConnectString');
    const servers = inject('zkServers');
    expect(connect).toMatch(/^[\w.-]+:\d+(,[\w.-]+:\d+)*(\/.*)?$/);
    expect(servers.length).toBeGreaterThanOrEqual(1);
    const roles = await Promise.all(servers.map((s) => readServerRole(s.host, s.port)));
    for (const s of servers) expect(await fourLetterWord(s.host, s.port, 'ruok')).toBe('imok');
    const leaders = roles.filter((r) => r === 'leader' || r === 'standalone');
    expect(leaders).toHaveLength(1);
  });
});
