/**
 * Ownership rules (Curator's lock drivers) for the exclusive lock and the read/write lock.
 * Every rule only ever waits for a node with a lower sequence, so no two contenders can wait for
 * each other (the kazoo#649 deadlock cannot happen).
 * @module
 */
import type { LockDecision, LockDriver } from '../internal/lock-internals.js';
import type { SequentialNode } from '../internal/sequence.js';

/** Curator's `InterProcessMutex` node name. */
export const LOCK_NODE_NAME = 'lock-';
/** Curator's read node name (`InterProcessReadWriteLock`). */
export const READ_NODE_NAME = '__READ__';
/** Curator's write node name (`InterProcessReadWriteLock`). */
export const WRITE_NODE_NAME = '__WRIT__';

/**
 * The exclusive rule: the first `maxLeases` contenders own it; others wait for the node
 * `maxLeases` places ahead (the immediate predecessor for a mutex). `names` are the node bases
 * that count as contenders (matched as suffixes, so go-zk's `-lock-` and kazoo's `__lock__`
 * can be added for interop).
 *
 * @example
 * ```ts
 * const driver = exclusiveDriver(1, ['lock-', '__lock__']);
 * ```
 */
export function exclusiveDriver(maxLeases: number, names: readonly string[]): LockDriver {
  return {
    trustSnapshot: true,
    isContender: (node: SequentialNode) => names.some((n) => node.base.endsWith(n)),
    check(contenders, ourIndex): LockDecision {
      if (ourIndex < maxLeases) return { acquired: true };
      const ahead = contenders[ourIndex - maxLeases];
      return ahead ? { acquired: false, waitFor: ahead.name } : { acquired: true };
    },
  };
}

function isWrite(node: SequentialNode): boolean {
  return node.base.endsWith(WRITE_NODE_NAME);
}

function isRead(node: SequentialNode): boolean {
  return node.base.endsWith(READ_NODE_NAME);
}

/**
 * Writer: owns the lock when no node of either kind has a lower sequence; otherwise waits for its
 * immediate predecessor (reader or writer).
 *
 * @example
 * ```ts
 * const driver = writeDriver();
 * ```
 */
export function writeDriver(): LockDriver {
  return {
    isContender: (node) => isRead(node) || isWrite(node),
    check(contenders, ourIndex): LockDecision {
      const me = contenders[ourIndex] as SequentialNode;
      for (let i = ourIndex - 1; i >= 0; i--) {
        const other = contenders[i] as SequentialNode;
        if (other.sequence < me.sequence) return { acquired: false, waitFor: other.name };
      }
      return { acquired: true };
    },
  };
}

/**
 * Reader: owns the lock when no writer has a lower sequence; otherwise waits for the nearest such
 * writer (kazoo's rule; when it goes, older writers are found on the next listing). Readers never
 * wait for readers. A downgraded read node carries its write node's sequence, so it is not
 * blocked by that (same-sequence) write node.
 *
 * @example
 * ```ts
 * const driver = readDriver();
 * ```
 */
export function readDriver(): LockDriver {
  return {
    isContender: (node) => isRead(node) || isWrite(node),
    check(contenders, ourIndex): LockDecision {
      const me = contenders[ourIndex] as SequentialNode;
      for (let i = ourIndex - 1; i >= 0; i--) {
        const other = contenders[i] as SequentialNode;
        if (isWrite(other) && other.sequence < me.sequence) return { acquired: false, waitFor: other.name };
      }
      return { acquired: true };
    },
  };
}

/**
 * Role rule for `participants()` of a read/write lock: each node judged by its own kind.
 *
 * @example
 * ```ts
 * listParticipants(client, path, readWriteParticipantsDriver(), kindOf);
 * ```
 */
export function readWriteParticipantsDriver(): LockDriver {
  const read = readDriver();
  const write = writeDriver();
  return {
    isContender: read.isContender,
    check: (contenders, i) => (isWrite(contenders[i] as SequentialNode) ? write : read).check(contenders, i),
  };
}
