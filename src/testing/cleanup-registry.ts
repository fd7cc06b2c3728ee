import { rmSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();
let installed = false;

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills every registered process (SIGCONT first, so a paused JVM dies too) and removes every
 * registered directory, synchronously. Runs on process exit; exported for tests.
 */
function cleanUpNow(): void {
  for (const pid of pids) {
    killQuietly(pid, 'SIGCONT');
    killQuietly(pid, 'SIGKILL');
  }
  pids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpNow();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  // Re-raise only when nobody else handles it, so the default action (exit by signal) happens.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

/**
 * The process-wide registry of server processes and temp directories the kit created. Whatever
 * is still registered when this Node process exits (normally, by `process.exit`, by an uncaught
 * exception, or by SIGINT/SIGTERM/SIGHUP) is killed with SIGKILL and deleted synchronously, so
 * an aborted test run leaves no JVM and no temp directory behind.
 *
 * @example
 * ```ts
 * import { cleanupRegistry } from 'zk-recipes/testing';
 * const child = spawn('java', args);
 * cleanupRegistry.trackProcess(child.pid!);
 * child.once('exit', () => cleanupRegistry.untrackProcess(child.pid!));
 * ```
 */
export const cleanupRegistry = {
  /** Kill this pid when the Node process exits. */
  trackProcess(pid: number): void {
    install();
    pids.add(pid);
  },
  /** The process ended by itself; forget it (its pid may be reused). */
  untrackProcess(pid: number): void {
    pids.delete(pid);
  },
  /** Delete this directory (recursively) when the Node process exits. */
  trackDirectory(dir: string): void {
    install();
    dirs.add(dir);
  },
  /** The directory was removed already; forget it. */
  untrackDirectory(dir: string): void {
    dirs.delete(dir);
  },
  /** The pids currently tracked (for diagnostics and tests). */
  trackedPids(): number[] {
    return [...pids];
  },
  /** Kill and delete everything now, synchronously. */
  cleanUpNow,
};
