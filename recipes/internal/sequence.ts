/**
 * Sequential node names: parsing, protected-prefix handling and sorting.
 *
 * Internal API:
 * - `PROTECTED_PREFIX` (`_c_`), `protectedPrefix(uuid)` (`_c_<uuid>-`), `isProtectedName(name)`,
 *   `stripProtectedPrefix(name)`, `protectedId(name)` (the uuid or `undefined`): Curator's
 *   `ProtectedUtils` rules, a 40-character prefix `_c_<36-char uuid>-`.
 * - `parseSequentialName(name)` → `SequentialNode | undefined`: `{ name, base, sequence,
 *   protectedId }` where `sequence` is the trailing 10-digit ZooKeeper counter and `base` is the
 *   name without the protected prefix and without the counter (e.g. `lock-`, `__READ__`). A parent's
 *   counter wraps negative only after 2^31 creates under it; such names are not treated as
 *   sequential (lock parents are containers and are re-created long before that).
 * - `sortSequential(children, filter?)`: parses, drops names that are not sequential or that the
 *   filter rejects, and sorts by sequence (ties by name). The protected prefix never affects the
 *   order, so our nodes, Curator's (`_c_…-lock-0000000001`), kazoo's (`<hex>__lock__0000000001`,
 *   with a filter like kazoo's `extra_lock_patterns`) and go-zk's queue together.
 * - `formatSequence(n)`: `%010d` as ZooKeeper prints it.
 * @module
 */

/** Curator's protected-name prefix. */
export const PROTECTED_PREFIX = '_c_';
/** Length of `_c_<uuid>-` (3 + 36 + 1). */
export const PROTECTED_PREFIX_LENGTH = 40;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SEQUENCE_RE = /(\d{10})$/;

/** A sequential child name, parsed. */
export interface SequentialNode {
  /** The full child name as listed. */
  readonly name: string;
  /** The name without protected prefix and without the sequence counter, e.g. `lock-`. */
  readonly base: string;
  /** ZooKeeper's sequence counter (0 … 2^31-1). */
  readonly sequence: number;
  /** The uuid of a protected (`_c_<uuid>-`) name, else `undefined`. */
  readonly protectedId: string | undefined;
}

/**
 * `_c_<uuid>-`: the prefix of a protected node created with `uuid`.
 *
 * @example
 * ```ts
 * protectedPrefix('0b3d…'); // '_c_0b3d…-'
 * ```
 */
export function protectedPrefix(uuid: string): string {
  return `${PROTECTED_PREFIX}${uuid}-`;
}

/**
 * True when `name` starts with a Curator protected prefix `_c_<uuid>-`.
 *
 * @example
 * ```ts
 * isProtectedName('_c_2a0f8a8e-5b52-4b7c-9a43-3c0f5f0f9a11-lock-0000000003'); // true
 * ```
 */
export function isProtectedName(name: string): boolean {
  return (
    name.length > PROTECTED_PREFIX_LENGTH &&
    name.startsWith(PROTECTED_PREFIX) &&
    name.charAt(PROTECTED_PREFIX_LENGTH - 1) === '-' &&
    UUID_RE.test(name.slice(PROTECTED_PREFIX.length, PROTECTED_PREFIX_LENGTH - 1))
  );
}

/**
 * The name without its protected prefix (unchanged when it has none).
 *
 * @example
 * ```ts
 * stripProtectedPrefix('_c_2a0f8a8e-5b52-4b7c-9a43-3c0f5f0f9a11-lock-0000000003'); // 'lock-0000000003'
 * ```
 */
export function stripProtectedPrefix(name: string): string {
  return isProtectedName(name) ? name.slice(PROTECTED_PREFIX_LENGTH) : name;
}

/**
 * The uuid of a protected name, or `undefined`.
 *
 * @example
 * ```ts
 * protectedId('lock-0000000001'); // undefined
 * ```
 */
export function protectedId(name: string): string | undefined {
  return isProtectedName(name) ? name.slice(PROTECTED_PREFIX.length, PROTECTED_PREFIX_LENGTH - 1) : undefined;
}

/**
 * Parses a sequential child name; `undefined` when it has no 10-digit sequence suffix.
 *
 * @example
 * ```ts
 * parseSequentialName('lock-0000000007'); // { name, base: 'lock-', sequence: 7, protectedId: undefined }
 * ```
 */
export function parseSequentialName(name: string): SequentialNode | undefined {
  const stripped = stripProtectedPrefix(name);
  const m = SEQUENCE_RE.exec(stripped);
  if (!m?.[1]) return undefined;
  const sequence = Number.parseInt(m[1], 10);
  if (!Number.isSafeInteger(sequence)) return undefined;
  return { name, base: stripped.slice(0, m.index), sequence, protectedId: protectedId(name) };
}

/**
 * Compares two parsed nodes by sequence, then by name (a total order).
 *
 * @example
 * ```ts
 * nodes.sort(compareSequential);
 * ```
 */
export function compareSequential(a: SequentialNode, b: SequentialNode): number {
  if (a.sequence !== b.sequence) return a.sequence - b.sequence;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Parses `children`, keeps the sequential ones the filter accepts, sorted by sequence.
 *
 * @example
 * ```ts
 * const contenders = sortSequential(await client.getChildren('/locks/a'), (n) => n.base === 'lock-');
 * ```
 */
export function sortSequential(
  children: readonly string[],
  filter?: (node: SequentialNode) => boolean,
): SequentialNode[] {
  const out: SequentialNode[] = [];
  for (const child of children) {
    const node = parseSequentialName(child);
    if (node && (!filter || filter(node))) out.push(node);
  }
  return out.sort(compareSequential);
}

/**
 * Formats a sequence number as ZooKeeper does (`%010d`).
 *
 * @example
 * ```ts
 * formatSequence(42); // '0000000042'
 * ```
 */
export function formatSequence(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`bad sequence ${sequence}`);
  return sequence.toString().padStart(10, '0');
}
