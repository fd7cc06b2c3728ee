/**
 * What every scene of the showcase gets.
 *
 * @module
 */
import type { Ensemble } from '../../../src/testing/index.js';
import type { Narrator } from '../narrator.js';
import type { Operator } from '../operator.js';
import type { Stage } from '../stage.js';
import type { Worker } from '../worker.js';

/** The running showcase, passed to each scene. */
export interface ShowcaseContext {
  readonly narrator: Narrator;
  readonly stage: Stage;
  /** The local ensemble, or undefined with `--connect`. */
  readonly ensemble: Ensemble | undefined;
  /** Servers only (no chroot): for `expireSession`. */
  readonly servers: string;
  /** Servers plus the showcase's chroot: what the clients use. */
  readonly connectString: string;
  readonly workers: Worker[];
  operator: Operator | undefined;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}
