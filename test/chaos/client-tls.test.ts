/**
 * The session engine over TLS (node:tls transport) against a real ZooKeeper secure client port,
 * including a reconnect through a fault proxy in front of the TLS port and expireSession over TLS.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { connect, createClient, RequestTimeoutError, type SessionState } from '../../src/index.js';
import { expireSession } from '../../src/testing/expire-session.js';
import { FaultProxy } from '../../src/testing/index.js';
import { useDedicatedEnsemble } from '../support/ensemble.js';

function stateReached(
  state$: { subscribe: (f: (s: SessionState) => void) => { unsubscribe(): void } },
  target: SessionState,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state ${target} not reached`)), 20_000);
    const sub = state$.subscribe((s) => {
      if (s !== target) return;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      resolve();
    });
  });
}

describe('TLS', () => {
  const zk = useDedicatedEnsemble({ size: 1, secureClientPort: true, tickTimeMs: 250 });

  it('connects, works, survives a dropped link and an expired session over TLS', async () => {
    const { ensemble } = zk;
    const secure = ensemble.secureConnectString;
    const ca = ensemble.tlsCaPem;
    expect(secure).toBeDefined();
    expect(ca).toBeDefined();
    const [host, port] = secure!.split(':') as [string, string];
    const proxy = await FaultProxy.start({ targetHost: host, targetPort: Number(port) });
    onTestFinished(() => proxy.close());
    const tls = { ca: ca!, servername: 'localhost', checkServerIdentity: () => undefined };
    const client = await connect(proxy.connectString, {
      tls,
      sessionTimeoutMs: 4000,
      requestTimeoutMs: 20_000,
    });
    onTestFinished(() => client.close());
    const id = client.sessionId;
    await client.create('/tls', 'secret');
    expect((await client.getData('/tls')).data.toString()).toBe('secret');
    const back = stateReached(client.state$, 'reconnected');
    proxy.reset();
    await back;
    expect(client.sessionId).toBe(id);
    expect((await client.getData('/tls')).data.toString()).toBe('secret');
    const lost = stateReached(client.state$, 'lost');
    await expireSession(client, { connectString: secure!, tls });
    await lost;
    await client.waitForConnection({ timeoutMs: 20_000 });
    expect(client.sessionId).not.toBe(id);
    await client.delete('/tls');
  });

  it('a plain client on the TLS port keeps failing attempts quickly and never hangs', async () => {
    const { ensemble } = zk;
    const failures: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn: (msg: string) => {
        if (msg === 'connection attempt failed') failures.push(msg);
      },
      error() {},
    };
    const client = createClient(ensemble.secureConnectString!, { connectTimeoutMs: 1000, logger });
    onTestFinished(() => client.close());
    await expect(client.waitForConnection({ timeoutMs: 3000 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(client.state).toBe('connecting');
  });
});
