// The zk-recipes CLI against the shared ensemble: each command in-process (runCli), under a
// fresh chroot, plus one run of the real program for its exit code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addWorkItems, WorkAssignment } from '../../recipes/assignment/index.js';
import { ServiceRegistry } from '../../recipes/discovery/index.js';
import { LeaderLatch } from '../../recipes/leader/index.js';
import { Mutex, ReadWriteLock } from '../../recipes/locks/index.js';
import { LockingQueue, Queue } from '../../recipes/queues/index.js';
import { runCli } from '../../src/cli/run-cli.js';
import { eventually, freshChroot, newClient, zkConnectString } from '../support/zk.js';

async function cli(argv: string[], signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { out: (t) => out.push(t), err: (t) => err.push(t) },
    { env: {}, ...(signal ? { signal } : {}) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function json<T>(argv: string[]): Promise<T> {
  const r = await cli([...argv, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as T;
}

describe('zk-recipes CLI', () => {
  it('set --create, get, tree', async () => {
    const cs = await freshChroot('cli-basic');
    expect((await cli(['set', '/app/flag', 'on', '--connect', cs])).code).toBe(1); // missing, no --create
    const set = await cli(['set', '/app/flag', 'on', '--create', '--connect', cs]);
    expect(set).toMatchObject({ code: 0, out: 'created /app/flag (version 0)' });
    expect((await cli(['set', '/app/flag', 'off', '--version', '0', '--connect', cs])).out).toBe(
      'set /app/flag (version 1)',
    );
    expect((await cli(['set', '/app/flag', 'x', '--version', '0', '--connect', cs])).code).toBe(1);
    const got = await json<{ data: string; stat: { version: number } }>([
      'get',
      '/app/flag',
      '--connect',
      cs,
    ]);
    expect(got).toMatchObject({ data: 'off', stat: { version: 1 } });
    const tree = await cli(['tree', '/', '--connect', cs]);
    expect(tree.out).toBe('/\n└── app\n    └── flag  [3 B]');
    const shallow = await json<{ children: { children: unknown[] }[] }>([
      'tree',
      '--depth',
      '1',
      '--connect',
      cs,
    ]);
    expect(shallow.children[0]!.children).toEqual([]);
  });

  it('explains bad input and unreachable servers with exit codes', async () => {
    const cs = await freshChroot('cli-errors');
    expect(await cli(['get', '/missing', '--connect', cs])).toMatchObject({
      code: 1,
      err: 'zk-recipes: no node /missing',
    });
    expect((await cli(['get', '/x'])).code).toBe(2); // no --connect, no ZK_CONNECT
    expect((await cli(['get', '/x', '--connect', 'bad::host'])).code).toBe(2);
    const unreachable = await cli(['get', '/x', '--connect', '127.0.0.1:1', '--timeout', '500']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.err).toContain('cannot reach ZooKeeper at 127.0.0.1:1');
  });

  it('locks: holder, waiters, sessions; read/write and semaphore layouts', async () => {
    const cs = await freshChroot('cli-locks');
    const a = await newClient({ connectString: cs });
    const b = await newClient({ connectString: cs });
    const held = await new Mutex(a, '/locks/orders', { participantId: 'web-1' }).acquire();
    const waiting = new Mutex(b, '/locks/orders', { participantId: 'web-2' }).acquire();
    type Report = { kind: string; participants: { role: string; id: string; sessionId: string }[] };
    const report = await eventually(async () => {
      const r = await json<Report>(['locks', '/locks/orders', '--connect', cs]);
      expect(r.participants).toHaveLength(2);
      return r;
    });
    expect(report.kind).toBe('mutex');
    expect(report.participants.map((p) => [p.role, p.id])).toEqual([
      ['holder', 'web-1'],
      ['waiter', 'web-2'],
    ]);
    expect(report.participants[0]!.sessionId).toBe(`0x${a.sessionId.toString(16)}`);
    const text = await cli(['locks', '/locks/orders', '--connect', cs]);
    expect(text.out).toContain('mutex /locks/orders: 1 holder(s), 1 waiter(s)');
    await held.release();
    await (await waiting).release();

    const rw = new ReadWriteLock(a, '/locks/catalog');
    const r1 = await rw.readLock.acquire();
    expect((await json<Report>(['locks', '/locks/catalog', '--connect', cs])).kind).toBe('read-write');
    await r1.release();
  });

  it('leader: the leader and the candidates in line', async () => {
    const cs = await freshChroot('cli-leader');
    const latches = [];
    for (const id of ['sched-1', 'sched-2']) {
      const latch = new LeaderLatch(await newClient({ connectString: cs }), '/leader', { id });
      await latch.start();
      latches.push(latch);
    }
    await latches[0]!.waitForLeadership({ timeoutMs: 10_000 });
    const r = await json<{ leader: string; participants: { id: string; isLeader: boolean }[] }>([
      'leader',
      '/leader',
      '--connect',
      cs,
    ]);
    expect(r.leader).toBe('sched-1');
    expect(r.participants.map((p) => p.id)).toEqual(['sched-1', 'sched-2']);
    expect((await cli(['leader', '/leader', '--connect', cs])).out).toContain('leader of /leader: sched-1');
    for (const l of latches) await l.close();
  });

  it('queue: depth, in flight and oldest item of both layouts', async () => {
    const cs = await freshChroot('cli-queue');
    const client = await newClient({ connectString: cs });
    await new Queue(client, '/q').putMany(['a', 'b', 'c']);
    const simple = await json<{ layout: string; depth: number; head: string; oldestAgeMs: number }>([
      'queue',
      '/q',
      '--connect',
      cs,
    ]);
    expect(simple).toMatchObject({ layout: 'simple', depth: 3 });
    expect(simple.head).toMatch(/^qn-/);
    expect(simple.oldestAgeMs).toBeGreaterThanOrEqual(0);
    const locking = new LockingQueue(client, '/lq');
    await locking.putMany(['x', 'y']);
    const item = await locking.take();
    const r = await json<{ layout: string; depth: number; inFlight: number }>([
      'queue',
      '/lq',
      '--connect',
      cs,
    ]);
    expect(r).toMatchObject({ layout: 'locking', depth: 2, inFlight: 1 });
    await item.complete();
    await locking.close();
  });

  it('services: names with counts, and one service’s instances', async () => {
    const cs = await freshChroot('cli-services');
    const client = await newClient({ connectString: cs });
    const registry = new ServiceRegistry(client);
    const regs = [
      await registry.register({ name: 'api', id: 'api-1', address: '10.0.0.1', port: 8080 }),
      await registry.register({ name: 'api', id: 'api-2', address: '10.0.0.2', port: 8080 }),
      await registry.register({ name: 'db', id: 'db-1', address: '10.0.0.9', port: 5432 }),
    ];
    const all = await json<{ services: { name: string; instances: number }[] }>([
      'services',
      '--connect',
      cs,
    ]);
    expect(all.services).toEqual([
      { name: 'api', instances: 2 },
      { name: 'db', instances: 1 },
    ]);
    const api = await cli(['services', 'api', '--connect', cs]);
    expect(api.out).toMatch(/api-1\s+10\.0\.0\.1\s+8080\s+yes/);
    for (const r of regs) await r.unregister();
  });

  it('assignment: items per worker and the unassigned ones', async () => {
    const cs = await freshChroot('cli-assignment');
    const admin = await newClient({ connectString: cs });
    await addWorkItems(admin, '/logs', ['h1', 'h2', 'h3', 'h4']);
    const workers = [];
    for (const id of ['c1', 'c2']) {
      const w = new WorkAssignment(await newClient({ connectString: cs }), '/logs', { workerId: id });
      await w.start({ timeoutMs: 10_000 });
      workers.push(w);
    }
    type Report = { workers: Record<string, string[]>; unassigned: string[] };
    const r = await eventually(async () => {
      const report = await json<Report>(['assignment', '/logs', '--connect', cs]);
      expect(report.unassigned).toEqual([]);
      expect(Object.values(report.workers).map((items) => items.length)).toEqual([2, 2]);
      return report;
    });
    expect(Object.keys(r.workers).sort()).toEqual(['c1', 'c2']);
    expect((await cli(['assignment', '/nothing', '--connect', cs])).code).toBe(1);
    for (const w of workers) await w.close();
  });

  it('watch: streams the initial value and every change until stopped', async () => {
    const cs = await freshChroot('cli-watch');
    const client = await newClient({ connectString: cs });
    await client.create('/cfg', 'v1');
    const stop = new AbortController();
    const lines: string[] = [];
    const running = runCli(
      ['watch', '/cfg', '--json', '--connect', cs],
      { out: (t) => lines.push(t), err: () => {} },
      { env: {}, signal: stop.signal },
    );
    await eventually(() => expect(lines.length).toBeGreaterThanOrEqual(1));
    await client.setData('/cfg', 'v2');
    await eventually(() => expect(lines.length).toBeGreaterThanOrEqual(2));
    await client.delete('/cfg');
    await eventually(() => expect(lines.length).toBeGreaterThanOrEqual(3));
    stop.abort();
    expect(await running).toBe(0);
    const events = lines.map((l) => JSON.parse(l) as { type: string; data?: string | null });
    expect(events.slice(0, 3).map((e) => [e.type, e.data])).toEqual([
      ['initial', 'v1'],
      ['data-changed', 'v2'],
      ['deleted', undefined],
    ]);
  });

  it('the real program exits with the command’s code', { timeout: 30_000 }, async () => {
    const run = promisify(execFile);
    const cs = `${zkConnectString()}`;
    const ok = await run('node_modules/.bin/tsx', ['src/cli/main.ts', 'get', '/', '--connect', cs]);
    expect(ok.stdout).toContain('STAT');
    await expect(
      run('node_modules/.bin/tsx', ['src/cli/main.ts', 'get', '/no/such/node', '--connect', cs]),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no node /no/such/node'),
    });
  });
});
