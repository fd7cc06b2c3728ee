import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/**
 * What a config snapshot file holds (internal): the node's bytes (base64; null = node missing),
 * the path they belong to and when they were last known current.
 *
 * @example
 * ```ts
 * const saved = readSnapshotFile('/var/cache/app/flags.json', '/app/flags');
 * ```
 */
export interface SavedSnapshot {
  readonly path: string;
  readonly savedAt: number;
  readonly data: Buffer | null;
}

/**
 * Reads a snapshot file; undefined when missing, unreadable, or written for another path.
 *
 * @example
 * ```ts
 * const saved = readSnapshotFile(file, '/app/flags');
 * ```
 */
export function readSnapshotFile(file: string, path: string): SavedSnapshot | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as {
      path?: unknown;
      savedAt?: unknown;
      data?: unknown;
    };
    if (raw.path !== path || typeof raw.savedAt !== 'number') return undefined;
    const data = typeof raw.data === 'string' ? Buffer.from(raw.data, 'base64') : null;
    return { path, savedAt: raw.savedAt, data };
  } catch {
    return undefined;
  }
}

const chains = new Map<string, Promise<void>>();

/**
 * Writes a snapshot file atomically (temp file + rename), one write at a time per file. Never
 * rejects: a failing disk must not break the config stream.
 *
 * @example
 * ```ts
 * await writeSnapshotFile(file, '/app/flags', bytes);
 * ```
 */
export function writeSnapshotFile(file: string, path: string, data: Buffer | null): Promise<void> {
  const body = JSON.stringify({
    path,
    savedAt: Date.now(),
    data: data === null ? null : data.toString('base64'),
  });
  const prev = chains.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, body);
      await rename(tmp, file);
    } catch {
      // best effort: the snapshot file is a fallback, not a source of truth
    }
  });
  chains.set(file, next);
  void next.then(() => {
    if (chains.get(file) === next) chains.delete(file);
  });
  return next;
}
