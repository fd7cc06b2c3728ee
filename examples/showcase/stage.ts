/**
 * What the showcase knows about the cluster right now (for the status line) and what happened
 * so far (for the final tally).
 *
 * @module
 */
import type { SessionState } from '../../src/index.js';
import type { Narrator } from './narrator.js';

/** Paths of the demo, relative to the showcase's chroot. */
export const PATHS = {
  leader: '/leader',
  lock: '/locks/ledger',
  jobs: '/jobs',
  ledger: '/ledger',
  config: '/config/worker',
  services: '/services',
} as const;

/** The service name every worker registers under. */
export const SERVICE = 'worker';

/** Configuration the workers read through a `ConfigStore`. */
export interface WorkerConfig {
  /** How long a worker holds the lock per job. */
  workMs: number;
}

/**
 * Shared state of one showcase run: live values for the status line and counters for the tally.
 *
 * @example
 * ```ts
 * const stage = new Stage(narrator);
 * stage.lockTaken('w1');
 * ```
 */
export class Stage {
  readonly narrator: Narrator;
  /** Worker name → its client's session state. */
  readonly states = new Map<string, SessionState>();
  /** Every leader in order of election (worker names). */
  readonly leaders: string[] = [];
  /** Every change of lock holder (worker names, in order). */
  readonly lockHolders: string[] = [];
  /** Job ids the operator put into the queue (acknowledged). */
  readonly produced: string[] = [];
  /** Jobs recorded again by a second consumer after the first lost its session: deduplicated. */
  redelivered = 0;
  /** Ledger writes refused because the writer's lock node was gone (fenced out). */
  fenced = 0;
  /** Current leader (worker name), if any. */
  leader: string | undefined;
  /** Current lock holder, if any. */
  lockHolder: string | undefined;
  /** ZooKeeper's own leader (server index), when the showcase runs the ensemble. */
  zkLeader: number | undefined;
  /** Queue depth and ledger size, polled by the operator. */
  queueDepth = 0;
  done = 0;
  /** Service instances the operator's discovery sees. */
  services: readonly string[] = [];

  constructor(narrator: Narrator) {
    this.narrator = narrator;
  }

  /** A worker took the lock. */
  lockTaken(worker: string): void {
    this.lockHolder = worker;
    if (this.lockHolders.at(-1) !== worker) this.lockHolders.push(worker);
  }

  /** A worker released the lock. */
  lockReleased(worker: string): void {
    if (this.lockHolder === worker) this.lockHolder = undefined;
  }

  /** A worker's leadership changed. */
  leadership(worker: string, leading: boolean): void {
    if (leading) {
      this.leader = worker;
      this.leaders.push(worker);
    } else if (this.leader === worker) {
      this.leader = undefined;
    }
  }

  /** Number of times the lock moved from one worker to another. */
  get lockHandoffs(): number {
    return Math.max(0, this.lockHolders.length - 1);
  }

  /** The status line. */
  status(): string {
    const n = this.narrator;
    const dot = (s: SessionState | undefined): string => {
      if (s === 'connected' || s === 'reconnected') return n.paint('●', 'green');
      if (s === 'suspended' || s === 'connecting') return n.paint('◐', 'yellow');
      return n.paint('○', 'red');
    };
    const workers = [...this.states].map(([name, s]) => `${name}${dot(s)}`).join(' ');
    const parts = [
      n.paint(n.elapsed, 'gray'),
      this.zkLeader === undefined ? undefined : `zk leader s${this.zkLeader + 1}`,
      `leader ${n.paint(this.leader ?? '—', 'cyan')}`,
      `lock ${n.paint(this.lockHolder ?? 'free', 'magenta')}`,
      `queue ${this.queueDepth}`,
      `done ${this.done}/${this.produced.length}`,
      `services ${this.services.length}`,
      workers,
    ];
    return parts.filter((p) => p !== undefined).join(n.paint(' │ ', 'gray'));
  }
}
