/**
 * The showcase as a function: starts (or connects to) an ensemble, plays every scene, checks
 * the tally, and stops everything it started, also when aborted.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '../../src/index.js';
import { Ensemble } from '../../src/testing/index.js';
import { Narrator, type NarratorOutput } from './narrator.js';
import { configScene } from './scenes/config.js';
import type { ShowcaseContext } from './scenes/context.js';
import { electScene } from './scenes/elect.js';
import { expireWorkerScene } from './scenes/expire-worker.js';
import { joinScene } from './scenes/join.js';
import { killZkLeaderScene } from './scenes/kill-zk-leader.js';
import { type Tally, tallyScene } from './scenes/tally.js';
import { workScene } from './scenes/work.js';
import { Stage } from './stage.js';

/** Options of {@link runShowcase}. */
export interface ShowcaseOptions {
  /** Use this ensemble (`host:port,…`) instead of starting a local one. */
  connectString?: string;
  /** Inject the faults (kill the ZooKeeper leader, expire a session). Default true. */
  faults?: boolean;
  /** Where to print. Default `process.stdout`. */
  out?: NarratorOutput;
  /** Stops the showcase (Ctrl-C); everything is cleaned up before it rejects. */
  signal?: AbortSignal;
  /** Pause between scenes so a viewer can follow. Default 1 500; 0 in tests. */
  paceMs?: number;
}

/** Runs `fn`, giving up waiting for it after `ms` (cleanup must never hang the exit). */
async function bounded(fn: () => Promise<unknown>, ms = 6_000): Promise<void> {
  await Promise.race([fn().catch(() => {}), sleep(ms, undefined, { ref: false })]);
}

/**
 * Plays the showcase and resolves with its tally.
 *
 * @example
 * ```ts
 * const tally = await runShowcase({ connectString: '127.0.0.1:2181' });
 * console.log(tally.ok);
 * ```
 */
export async function runShowcase(opts: ShowcaseOptions = {}): Promise<Tally> {
  const narrator = new Narrator(opts.out);
  const signal = opts.signal ?? new AbortController().signal;
  const stage = new Stage(narrator);
  const faults = opts.faults ?? true;
  let ensemble: Ensemble | undefined;
  let ctx: ShowcaseContext | undefined;
  let chroot: string | undefined;
  let servers = '';
  narrator.say(
    narrator.paint('zk-recipes showcase: three workers, one ZooKeeper ensemble, two faults', 'bold'),
  );
  try {
    if (opts.connectString) {
      servers = opts.connectString.split('/')[0] ?? opts.connectString;
      narrator.say(`using the ensemble at ${servers}`);
    } else {
      narrator.scene('0. A local 3-node ZooKeeper ensemble');
      const t = Date.now();
      ensemble = await Ensemble.start({ size: 3, signal });
      servers = ensemble.connectString;
      stage.zkLeader = await ensemble.leader();
      narrator.ok(
        `ensemble up in ${Date.now() - t} ms at ${servers}; server s${(stage.zkLeader ?? 0) + 1} leads`,
      );
    }
    chroot = `/zk-recipes-showcase-${Date.now().toString(36)}`;
    const admin = await connect(servers, { requestTimeoutMs: 15_000 });
    await admin.create(chroot).finally(() => admin.close());
    narrator.detail(`everything below lives under the chroot ${chroot}`);
    ctx = {
      narrator,
      stage,
      ensemble,
      servers,
      connectString: `${servers}${chroot}`,
      workers: [],
      operator: undefined,
      signal,
    };
    narrator.setStatus(() => stage.status());
    const paceMs = opts.paceMs ?? 1_500;
    const beat = () => sleep(paceMs, undefined, { signal });
    await joinScene(ctx);
    await beat();
    await electScene(ctx);
    await beat();
    await configScene(ctx, 150);
    await beat();
    await workScene(ctx, 30, 10);
    await beat();
    let restarted: Promise<void> = Promise.resolve();
    if (faults) {
      ({ restarted } = await killZkLeaderScene(ctx));
      await beat();
      await expireWorkerScene(ctx, 30);
      await beat();
    } else {
      await ctx.operator?.produce(30);
    }
    const tally = await tallyScene(ctx);
    await restarted;
    narrator.stop();
    narrator.scene(tally.ok ? 'All checks passed' : 'Some checks FAILED');
    return tally;
  } finally {
    narrator.stop();
    narrator.final('stopping workers, clients and servers…');
    narrator.mute();
    if (ctx?.operator) await bounded(() => ctx!.operator!.close());
    for (const w of ctx?.workers ?? []) await bounded(() => w.close());
    if (chroot && !ensemble && servers) {
      await bounded(async () => {
        const admin = await connect(servers, { requestTimeoutMs: 5_000, connectTimeoutMs: 3_000 });
        await admin.deleteRecursive(chroot!).finally(() => admin.close());
      });
    }
    if (ensemble) await bounded(() => ensemble!.close(), 20_000);
    narrator.final('everything stopped');
  }
}
