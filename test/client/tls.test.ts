import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/index.js';
import { Ensemble } from '../../src/testing/index.js';

// A dedicated single server with a TLS client port (Netty, self-signed certificate made by the
// testing kit with keytool).
let ensemble: Ensemble;
let secure: string;

beforeAll(async () => {
  ensemble = await Ensemble.start({ size: 1, secureClientPort: true });
  secure = ensemble.secureConnectString as string;
});

afterAll(async () => {
  await ensemble?.close();
});

describe('TLS', () => {
  it('runs operations and watches over TLS, verifying the server certificate', async () => {
    expect(secure).toMatch(/^127\.0\.0\.1:\d+$/);
    await using zk = await connect(secure, { tls: { ca: ensemble.tlsCaPem } });
    const { stat } = await zk.create('/tls', 'over tls');
    expect(stat.version).toBe(0);
    const events: string[] = [];
    await zk.getData('/tls', { watch: (e) => events.push(e.type) });
    await zk.setData('/tls', 'changed');
    expect((await zk.getData('/tls')).data.toString()).toBe('changed');
    expect(events).toEqual(['data-changed']);
    const big = await zk.create('/big', Buffer.alloc(500_000, 7));
    expect(big.stat.dataLength).toBe(500_000);
    expect((await zk.getData('/big')).data.equals(Buffer.alloc(500_000, 7))).toBe(true);
  });

  it('refuses a server whose certificate it does not trust', async () => {
    await expect(
      connect(secure, { tls: true, connectTimeoutMs: 2_000, requestTimeoutMs: 3_000 }),
    ).rejects.toThrow();
  });

  it('a plain (non-TLS) client gets no session from the TLS port', async () => {
    await expect(connect(secure, { connectTimeoutMs: 1_000, requestTimeoutMs: 3_000 })).rejects.toThrow();
  });
});
