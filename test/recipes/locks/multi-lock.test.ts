import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../../src/index.js';
import { type Lockable, MultiLock, Mutex, type Releasable, Semaphore } from '../../../recipes/locks/index.js';
import { newClient, zkConnectString } from '../../support/zk.js';

async function peer(client: ZooKeeperClient): Promise<ZooKeeperClient> {
  return newClient({ connectString: `${zkConnectString()}${client.chroot}` });
}

async function children(client: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    await client.sync(path); // reads see other sessions' writes only after a sync
    return await client.getChildren(path);
  } catch {
    return [];
  }
}

describe('MultiLock', () => {
  it('takes every lock, and releases them in reverse order', async () => {
    const client = await newClient();
    const log: string[] = [];
    const traced = (name: string, inner: Lockable): Lockable => ({
      async acquire(opts) {
        const h = await inner.acquire(opts);
        log.push(`+${name}`);
        return {
          lost: h.lost,
          async release() {
            log.push(`-${name}`);
            await h.release();
          },
        } satisfies Releasable;
      },
    });
    const multi = new MultiLock([
      traced('a', new Mutex(client, '/ml/a')),
      traced('b', new Mutex(client, '/ml/b')),
      traced('s', new Semaphore(client, '/ml/s', { maxLeases: 1 })),
    ]);
    const result = await multi.withLock(async (lost) => {
      expect(lost.aborted).toBe(false);
      expect(await children(client, '/ml/a')).toHaveLength(1);
      expect(await children(client, '/ml/b')).toHaveLength(1);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(log).toEqual(['+a', '+b', '+s', '-s', '-b', '-a']);
    expect(await children(client, '/ml/a')).toEqual([]);
    expect(await children(client, '/ml/b')).toEqual([]);
  });

  it('rolls back a partial acquisition when a later lock times out', async () => {
    const client = await newClient();
    const other = await peer(client);
    const blocker = await new Mutex(other, '/ml/y').acquire();
    const multi = new MultiLock([new Mutex(client, '/ml/x'), new Mutex(client, '/ml/y')]);
    const err = await multi.acquire({ timeoutMs: 400 }).catch((e: unknown) => e);
    expect((err as DOMException).name).toBe('TimeoutError');
    expect(await children(client, '/ml/x')).toEqual([]);
    // the rolled-back lock is free for others at once
    const x = await new Mutex(other, '/ml/x').tryAcquire();
    expect(x).not.toBeNull();
    await x?.release();
    await blocker.release();
    const all = await multi.acquire();
    expect(all.handles).toHaveLength(2);
    await all.release();
    await all.release();
  });
});
