import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/client/logger.js';
import { type RawWatchEvent, WatchManager } from '../../../src/client/watch-manager.js';

function logger(): Logger & { errors: unknown[]; warns: unknown[] } {
  const errors: unknown[] = [];
  const warns: unknown[] = [];
  return {
    debug() {},
    info() {},
    warn: (m, f) => warns.push([m, f]),
    error: (m, f) => errors.push([m, f]),
    errors,
    warns,
  };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function recorder() {
  const events: RawWatchEvent[] = [];
  return { events, listener: (e: RawWatchEvent) => events.push(e) };
}

describe('WatchManager routing (protocol.md §7.5)', () => {
  it.each([
    [1, ['data', 'exist']],
    [3, ['data', 'exist']],
    [4, ['child']],
    [2, ['data', 'exist', 'child']],
  ] as const)('event type %i fires %j one-shot watches', async (type, kinds) => {
    const wm = new WatchManager(logger());
    const recs = { data: recorder(), exist: recorder(), child: recorder() };
    for (const k of ['data', 'exist', 'child'] as const) wm.add(k, '/a', recs[k].listener);
    wm.dispatch(type, '/a');
    await flush();
    for (const k of ['data', 'exist', 'child'] as const) {
      expect(recs[k].events.length).toBe((kinds as readonly string[]).includes(k) ? 1 : 0);
      expect(wm.has(k, '/a')).toBe(!(kinds as readonly string[]).includes(k));
    }
  });

  it('one-shot watches fire once; persistent ones keep firing, recursive ones cover descendants except children-changed', async () => {
    const wm = new WatchManager(logger());
    const one = recorder();
    const per = recorder();
    const rec = recorder();
    wm.add('data', '/a/b', one.listener);
    wm.add('persistent', '/a/b', per.listener);
    wm.add('persistent-recursive', '/a', rec.listener);
    wm.dispatch(3, '/a/b', 7n);
    wm.dispatch(3, '/a/b');
    wm.dispatch(4, '/a/b');
    wm.dispatch(1, '/a/b/c');
    wm.dispatch(2, '/other');
    await flush();
    expect(one.events).toEqual([{ type: 'data-changed', path: '/a/b', zxid: 7n }]);
    expect(per.events.map((e) => e.type)).toEqual(['data-changed', 'data-changed', 'children-changed']);
    expect(rec.events).toEqual([
      { type: 'data-changed', path: '/a/b', zxid: 7n },
      { type: 'data-changed', path: '/a/b' },
      { type: 'created', path: '/a/b/c' },
    ]);
  });

  it('a recursive watch on / sees everything', async () => {
    const wm = new WatchManager(logger());
    const rec = recorder();
    wm.add('persistent-recursive', '/', rec.listener);
    wm.dispatch(1, '/x/y');
    await flush();
    expect(rec.events).toEqual([{ type: 'created', path: '/x/y' }]);
  });

  it('calls a listener once per event even when registered twice or under several kinds', async () => {
    const wm = new WatchManager(logger());
    const r = recorder();
    wm.add('data', '/a', r.listener);
    wm.add('data', '/a', r.listener);
    wm.add('exist', '/a', r.listener);
    wm.add('persistent', '/a', r.listener);
    expect(wm.size).toBe(3);
    wm.dispatch(2, '/a');
    await flush();
    expect(r.events).toHaveLength(1);
  });

  it('delivers asynchronously and in order, and contains listener errors', async () => {
    const log = logger();
    const wm = new WatchManager(log);
    const order: string[] = [];
    wm.add('persistent', '/a', () => {
      order.push('boom');
      throw new Error('listener bug');
    });
    wm.add('persistent', '/a', (e) => order.push(`ok:${e.type}`));
    wm.dispatch(1, '/a');
    wm.dispatch(3, '/a');
    expect(order).toEqual([]);
    await flush();
    expect(order).toEqual(['boom', 'ok:created', 'boom', 'ok:data-changed']);
    expect(log.errors).toHaveLength(2);
  });

  it('ignores unknown event types without throwing', async () => {
    const log = logger();
    const wm = new WatchManager(log);
    const r = recorder();
    wm.add('data', '/a', r.listener);
    expect(() => wm.dispatch(99, '/a')).not.toThrow();
    await flush();
    expect(r.events).toEqual([]);
    expect(wm.has('data', '/a')).toBe(true);
    expect(log.warns).toHaveLength(1);
  });

  it('removes one listener or all, with watch-removed events', async () => {
    const wm = new WatchManager(logger());
    const a = recorder();
    const b = recorder();
    wm.add('data', '/p', a.listener);
    wm.add('data', '/p', b.listener);
    wm.add('child', '/p', a.listener);
    expect(wm.remainsAfter('data', '/p', a.listener)).toBe(true);
    expect(wm.remainsAfter('child', '/p', a.listener)).toBe(false);
    expect(wm.remove('/p', ['data', 'exist'], a.listener)).toBe(1);
    expect(wm.matches('data', '/p', a.listener)).toBe(false);
    expect(wm.matches('data', '/p')).toBe(true);
    expect(wm.remove('/p', ['data', 'exist', 'child'])).toBe(2);
    expect(wm.size).toBe(0);
    await flush();
    expect(a.events).toEqual([
      { type: 'watch-removed', path: '/p' },
      { type: 'watch-removed', path: '/p' },
    ]);
    expect(b.events).toEqual([{ type: 'watch-removed', path: '/p' }]);
  });

  it('clearAll tells every listener exactly once and forgets everything', async () => {
    const wm = new WatchManager(logger());
    const a = recorder();
    const b = recorder();
    wm.add('data', '/1', a.listener);
    wm.add('child', '/2', a.listener);
    wm.add('persistent-recursive', '/3', b.listener);
    wm.clearAll('session-lost');
    expect(wm.size).toBe(0);
    expect(wm.hasPersistent).toBe(false);
    wm.dispatch(2, '/1');
    await flush();
    expect(a.events).toEqual([{ type: 'session-lost', path: '/1' }]);
    expect(b.events).toEqual([{ type: 'session-lost', path: '/3' }]);
  });
});
