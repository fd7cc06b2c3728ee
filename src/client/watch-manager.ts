/**
 * Client-side watch bookkeeping, modelled on the Java `ZKWatchManager`: one-shot data, exist and
 * child watches, persistent and persistent-recursive watches, keyed by server path, routed per
 * protocol.md §7.5 and delivered asynchronously, in order, with listener errors contained.
 *
 * @module
 */
import type { Logger } from './logger.js';
import type { WatchEventType } from './types.js';

/** Which kind of watch a registration is. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistent-recursive';

/** An event as the engine delivers it; `path` is a server path (chroot included). */
export interface RawWatchEvent {
  type: WatchEventType;
  path: string;
  /** The zxid of the change, when the server sends it (3.9+). */
  zxid?: bigint;
}

/** A watch listener at the engine level. */
export type RawWatchListener = (event: RawWatchEvent) => void;

/** A watch to arm together with a request. */
export interface WatchRegistration {
  kind: WatchKind;
  path: string;
  listener: RawWatchListener;
}

/** The kinds named by a removeWatches type. */
export const REMOVE_KINDS: Record<'children' | 'data' | 'any' | 'persistent', readonly WatchKind[]> = {
  children: ['child'],
  data: ['data', 'exist'],
  any: ['data', 'exist', 'child'],
  persistent: ['persistent', 'persistent-recursive'],
};

const EVENT_TYPES: Record<number, WatchEventType | undefined> = {
  1: 'created',
  2: 'deleted',
  3: 'data-changed',
  4: 'children-changed',
};

type Table = Map<string, Set<RawWatchListener>>;

function parentOf(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/**
 * Holds every watch of a session and routes server notifications to listeners.
 *
 * @example
 * ```ts
 * const wm = new WatchManager(noopLogger);
 * wm.add('data', '/a', (e) => console.log(e.type));
 * wm.dispatch(3, '/a'); // logs 'data-changed' in a microtask; the one-shot watch is gone
 * ```
 */
export class WatchManager {
  readonly #tables: Record<WatchKind, Table> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    'persistent-recursive': new Map(),
  };
  readonly #logger: Logger;
  #pendingListeners: RawWatchListener[] = [];
  #pendingEvents: RawWatchEvent[] = [];
  #drainScheduled = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Registers `listener`; registering the same function twice for one path and kind is a no-op. */
  add(kind: WatchKind, path: string, listener: RawWatchListener): void {
    const table = this.#tables[kind];
    let set = table.get(path);
    if (!set) {
      set = new Set();
      table.set(path, set);
    }
    set.add(listener);
  }

  /** True when at least one listener of `kind` watches `path`. */
  has(kind: WatchKind, path: string): boolean {
    return this.#tables[kind].has(path);
  }

  /** True when `listener` (any listener when omitted) of `kind` watches `path`. */
  matches(kind: WatchKind, path: string, listener?: RawWatchListener): boolean {
    const set = this.#tables[kind].get(path);
    return set !== undefined && (listener === undefined || set.has(listener));
  }

  /** True when some listener of `kind` on `path` would remain after removing `listener` (or all). */
  remainsAfter(kind: WatchKind, path: string, listener?: RawWatchListener): boolean {
    const set = this.#tables[kind].get(path);
    if (set === undefined || listener === undefined) return false;
    return set.size - (set.has(listener) ? 1 : 0) > 0;
  }

  /** Number of (kind, path, listener) registrations. */
  get size(): number {
    let n = 0;
    for (const table of Object.values(this.#tables)) for (const set of table.values()) n += set.size;
    return n;
  }

  /** The paths watched with `kind`, for setWatches. */
  paths(kind: WatchKind): string[] {
    return [...this.#tables[kind].keys()];
  }

  /** True when any persistent or persistent-recursive watch exists (setWatches2 is needed). */
  get hasPersistent(): boolean {
    return this.#tables.persistent.size > 0 || this.#tables['persistent-recursive'].size > 0;
  }

  /**
   * Routes a server notification. Unknown event types are logged and ignored.
   * @param type WatcherEvent type from the wire (1–4)
   */
  dispatch(type: number, path: string, zxid?: bigint): void {
    const eventType = EVENT_TYPES[type];
    if (eventType === undefined) {
      this.#logger.warn('ignoring watch notification of unknown type', { type, path });
      return;
    }
    const event: RawWatchEvent =
      zxid === undefined ? { type: eventType, path } : { type: eventType, path, zxid };
    const targets = new Set<RawWatchListener>();
    const t = this.#tables;
    if (type === 1 || type === 3 || type === 2) {
      this.#take(t.data, path, targets);
      this.#take(t.exist, path, targets);
    }
    if (type === 4 || type === 2) this.#take(t.child, path, targets);
    const persistent = t.persistent.get(path);
    if (persistent) for (const l of persistent) targets.add(l);
    const recursive = t['persistent-recursive'];
    if (recursive.size > 0 && type !== 4) {
      for (let p: string | null = path; p !== null; p = parentOf(p)) {
        const set = recursive.get(p);
        if (set) for (const l of set) targets.add(l);
      }
    }
    for (const l of targets) this.#enqueue(l, event);
  }

  /**
   * Removes registrations of `kinds` on `path` (only `listener` when given) and tells each
   * removed listener `{ type: 'watch-removed' }`.
   * @returns how many registrations were removed
   */
  remove(path: string, kinds: readonly WatchKind[], listener?: RawWatchListener): number {
    const removed = new Set<RawWatchListener>();
    let count = 0;
    for (const kind of kinds) {
      const table = this.#tables[kind];
      const set = table.get(path);
      if (!set) continue;
      if (listener === undefined) {
        for (const l of set) removed.add(l);
        count += set.size;
        table.delete(path);
      } else if (set.delete(listener)) {
        removed.add(listener);
        count++;
        if (set.size === 0) table.delete(path);
      }
    }
    for (const l of removed) this.#enqueue(l, { type: 'watch-removed', path });
    return count;
  }

  /**
   * Drops every registration and tells each listener once: `session-lost` when the session
   * expired, `closed` when the client closed.
   */
  clearAll(type: 'session-lost' | 'closed'): void {
    const seen = new Set<RawWatchListener>();
    for (const table of Object.values(this.#tables)) {
      for (const [path, set] of table) {
        for (const l of set) {
          if (seen.has(l)) continue;
          seen.add(l);
          this.#enqueue(l, { type, path });
        }
      }
      table.clear();
    }
  }

  #take(table: Table, path: string, into: Set<RawWatchListener>): void {
    const set = table.get(path);
    if (!set) return;
    table.delete(path);
    for (const l of set) into.add(l);
  }

  #enqueue(listener: RawWatchListener, event: RawWatchEvent): void {
    this.#pendingListeners.push(listener);
    this.#pendingEvents.push(event);
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      queueMicrotask(this.#drain);
    }
  }

  readonly #drain = (): void => {
    const listeners = this.#pendingListeners;
    const events = this.#pendingEvents;
    this.#pendingListeners = [];
    this.#pendingEvents = [];
    this.#drainScheduled = false;
    for (let i = 0; i < listeners.length; i++) {
      const event = events[i]!;
      try {
        listeners[i]!(event);
      } catch (err) {
        this.#logger.error('watch listener threw', { path: event.path, type: event.type, err });
      }
    }
  };
}
