import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from '../../../src/client/deadline-queue.js';
import type { Packet } from '../../../src/client/packet.js';

function packet(xid: number): Packet {
  return { xid, req: { op: 'sync', path: '/' }, done: false, sent: false, resolve() {}, reject() {} };
}

describe('DeadlineQueue', () => {
  let expired: number[];
  let queue: DeadlineQueue;
  // what PendingRequests does: mark the packet settled, then tell the queue
  const settle = (p: Packet) => {
    p.done = true;
    queue.settled();
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    expired = [];
    queue = new DeadlineQueue(1000, (p) => {
      expired.push(p.xid);
      settle(p);
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each unsettled packet at its own deadline, in order, never early', () => {
    const a = packet(1);
    queue.add(a);
    vi.advanceTimersByTime(400);
    const b = packet(2);
    queue.add(b);
    vi.advanceTimersByTime(599);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([1]);
    vi.advanceTimersByTime(399);
    expect(expired).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('never expires a settled packet, and drops settled packets from the head at once', () => {
    const [a, b, c] = [packet(1), packet(2), packet(3)];
    for (const p of [a, b, c]) queue.add(p);
    settle(b); // out of order: stays until the head passes it
    expect(queue.size).toBe(3);
    settle(a);
    expect(queue.size).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([3]);
    expect(queue.size).toBe(0);
  });

  it('one timer for many packets: a settled head re-arms for the next deadline when it fires', () => {
    const first = packet(1);
    queue.add(first);
    vi.advanceTimersByTime(500);
    const later = Array.from({ length: 100 }, (_, i) => packet(i + 2));
    for (const p of later) queue.add(p);
    expect(vi.getTimerCount()).toBe(1);
    settle(first);
    vi.advanceTimersByTime(500); // the first deadline: nothing due, re-armed
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(expired).toHaveLength(100);
  });

  it("an expired packet after an idle spell still expires (the unref'd timer is ref'd again)", () => {
    const p = packet(1);
    queue.add(p);
    settle(p);
    vi.advanceTimersByTime(300);
    const q = packet(2);
    queue.add(q);
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('compacts a long run of settled packets', () => {
    const packets = Array.from({ length: 5000 }, (_, i) => packet(i + 1));
    for (const p of packets) queue.add(p);
    for (const p of packets.slice(0, 4000)) settle(p);
    expect(queue.size).toBe(1000);
    vi.advanceTimersByTime(1000);
    expect(expired).toHaveLength(1000);
    expect(expired[0]).toBe(4001);
  });

  it('does not keep the process alive once every packet settled', () => {
    // a 60 s timeout: a process that waits for the timer would be killed at 20 s and fail
    const script = `
      import { DeadlineQueue } from './src/client/deadline-queue.ts';
      const q = new DeadlineQueue(60_000, () => {});
      const p = { xid: 1, req: { op: 'sync', path: '/' }, done: false, sent: false, resolve() {}, reject() {} };
      q.add(p);
      p.done = true;
      q.settled();
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 30_000);
});
