// How queue items are named: the prefix carries the priority or due time, an optional
// protection marker `_c_<uuid>-` names the put that wrote the item (so a put whose reply was
// lost can find it again), ZooKeeper appends a 10-digit sequence, and sorting by the parsed
// priority / due time / sequence gives the take order. The marker never affects the order:
// protected names (`qn-_c_<uuid>-0000000012`) and plain ones (`qn-0000000011`, written by older
// versions, Curator or kazoo) are taken together, by sequence.

/** A queue item as listed from ZooKeeper, parsed from its node name. */
export interface QueueEntry {
  /** Node name, e.g. `qn-0000000042` or `qn-_c_<uuid>-0000000042`. */
  readonly name: string;
  /** Sorts items in take order (plain string comparison). */
  readonly sortKey: string;
  /** Epoch ms from which the item may be taken (delay queues); 0 = at once. */
  readonly dueAtMs: number;
  /** The uuid of the put that wrote the item (protected names), else `undefined`. */
  readonly putId: string | undefined;
}

/** A naming scheme: how to name a new item and how to read names back. */
export interface QueueNaming {
  /** Parses a child name; `null` for children that are not items of this queue. */
  parse(name: string): QueueEntry | null;
  /**
   * Whether an item put later always sorts after every item already there (FIFO). When it
   * does, a consumer may keep working through the list it already has.
   */
  readonly appendOnly: boolean;
}

const SEQUENCE = '(-?\\d{1,10})';
/** The optional protection marker `_c_<uuid>-` between the item prefix and the sequence. */
const PROTECTION = '(?:_c_([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-)?';

/** Marker that protected puts place between the item prefix and the sequence (Curator's `_c_`). */
export const PUT_MARKER = '_c_';

/**
 * The node-name prefix of a protected item: `<prefix>_c_<uuid>-` (e.g. `qn-_c_<uuid>-`); the
 * server appends the sequence.
 */
export function protectedItemPrefix(prefix: string, uuid: string): string {
  return `${prefix}${PUT_MARKER}${uuid}-`;
}

/**
 * Prefix of the put receipts: an ephemeral-sequential `receipt-<uuid>-<sequence>` node that a
 * protected put creates in the same transaction as its items, so that after a lost reply the
 * producer can tell "written, and already taken by a consumer" from "never written". Not an
 * item: every naming ignores it.
 */
export const RECEIPT_PREFIX = 'receipt-';

/** Sorts entries in take order. */
export function sortEntries(entries: QueueEntry[]): QueueEntry[] {
  return entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

/** Parses and sorts a list of children, dropping names that are not items. */
export function toSortedEntries(naming: QueueNaming, children: readonly string[]): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const child of children) {
    const entry = naming.parse(child);
    if (entry) entries.push(entry);
  }
  return sortEntries(entries);
}

/** Item prefix of the FIFO queue: `qn-`, as ZooKeeper's recipe and Curator's SimpleDistributedQueue. */
export const FIFO_PREFIX = 'qn-';

/** Item prefix of the priority queue. */
export const PRIORITY_PREFIX = 'pq-';
const PRIORITY_PATTERN = new RegExp(`^${PRIORITY_PREFIX}([0-9A-F]{8})-${PROTECTION}${SEQUENCE}$`);
const DELAY_PATTERN = new RegExp(`^dq-([0-9A-F]{12})-${PROTECTION}${SEQUENCE}$`);
const FIFO_PATTERN = new RegExp(`^${FIFO_PREFIX}${PROTECTION}${SEQUENCE}$`);

/**
 * FIFO naming: `qn-<sequence>` (Curator's `SimpleDistributedQueue`) or the protected
 * `qn-_c_<uuid>-<sequence>`; both sort by sequence.
 */
export const fifoNaming: QueueNaming = {
  appendOnly: true,
  parse(name) {
    const match = FIFO_PATTERN.exec(name);
    if (!match?.[2]) return null;
    return { name, sortKey: sortableSequence(match[2]), dueAtMs: 0, putId: match[1] };
  },
};

/** Smallest and largest priorities accepted (signed 32-bit). */
export const MIN_PRIORITY = -0x8000_0000;
export const MAX_PRIORITY = 0x7fff_ffff;

/** Node-name prefix for an item of `priority` (lower numbers are taken first). */
export function priorityPrefix(priority: number): string {
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new RangeError(`priority must be a 32-bit integer, got ${priority}`);
  }
  const biased = priority - MIN_PRIORITY;
  return `${PRIORITY_PREFIX}${biased.toString(16).toUpperCase().padStart(8, '0')}-`;
}

/**
 * Priority naming: `pq-<biased priority, 8 hex>-[_c_<uuid>-]<sequence>`; lower priority values
 * first, then by sequence.
 */
export const priorityNaming: QueueNaming = {
  appendOnly: false,
  parse(name) {
    const match = PRIORITY_PATTERN.exec(name);
    if (!match?.[1] || !match[3]) return null;
    return { name, sortKey: `${match[1]}-${sortableSequence(match[3])}`, dueAtMs: 0, putId: match[2] };
  },
};

/** Largest due time a delay queue accepts (year 10889; 12 hex digits of epoch ms). */
export const MAX_DUE_AT_MS = 0xffff_ffff_ffff;

/** Node-name prefix for an item due at `dueAtMs` (epoch ms). */
export function delayPrefix(dueAtMs: number): string {
  if (!Number.isInteger(dueAtMs) || dueAtMs < 0 || dueAtMs > MAX_DUE_AT_MS) {
    throw new RangeError(`dueAtMs must be an integer epoch time in ms, got ${dueAtMs}`);
  }
  return `dq-${dueAtMs.toString(16).toUpperCase().padStart(12, '0')}-`;
}

/** Delay naming: `dq-<due epoch ms, 12 hex>-[_c_<uuid>-]<sequence>`; earliest due first. */
export const delayNaming: QueueNaming = {
  appendOnly: false,
  parse(name) {
    const match = DELAY_PATTERN.exec(name);
    if (!match?.[1] || !match[3]) return null;
    return {
      name,
      sortKey: `${match[1]}-${sortableSequence(match[3])}`,
      dueAtMs: Number.parseInt(match[1], 16),
      putId: match[2],
    };
  },
};

/**
 * Makes a sequence sort as a string. ZooKeeper's counter is a signed 32-bit int: after 2^31
 * items it wraps to negative numbers, which must sort after the positive ones.
 */
function sortableSequence(sequence: string): string {
  const n = Number.parseInt(sequence, 10);
  return n < 0 ? `1${String(n + 2 ** 32).padStart(10, '0')}` : `0${String(n).padStart(10, '0')}`;
}

/** Item prefix of the locking queue (kazoo's `LockingQueue`: `entry-<priority 3 digits>-`). */
export const LOCKING_PREFIX = 'entry-';
const LOCKING_PATTERN = new RegExp(`^${LOCKING_PREFIX}(\\d{3})-${PROTECTION}${SEQUENCE}$`);

/** Node-name prefix of a locking-queue item of `priority` (0–999, kazoo's range; lower first). */
export function lockingPrefix(priority: number): string {
  if (!Number.isInteger(priority) || priority < 0 || priority > 999) {
    throw new RangeError(`priority must be an integer in 0..999, got ${priority}`);
  }
  return `${LOCKING_PREFIX}${String(priority).padStart(3, '0')}-`;
}

/**
 * Locking-queue naming: `entry-<priority>-<sequence>` (kazoo's `LockingQueue`) or the protected
 * `entry-<priority>-_c_<uuid>-<sequence>`; by priority, then sequence.
 */
export const lockingNaming: QueueNaming = {
  appendOnly: false,
  parse(name) {
    const match = LOCKING_PATTERN.exec(name);
    if (!match?.[1] || !match[3]) return null;
    return { name, sortKey: `${match[1]}-${sortableSequence(match[3])}`, dueAtMs: 0, putId: match[2] };
  },
};
