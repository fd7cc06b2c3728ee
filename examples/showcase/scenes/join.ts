/**
 * Scene 1: the operator sets the stage, three workers connect and register as services, and
 * each one's arrival is seen through service discovery.
 *
 * @module
 */
import { Operator } from '../operator.js';
import { Worker } from '../worker.js';
import type { ShowcaseContext } from './context.js';
import { waitFor } from './wait-for.js';

/** Names of the workers. */
export const WORKER_NAMES = ['w1', 'w2', 'w3'] as const;

/**
 * Starts the operator and the workers.
 *
 * @example
 * ```ts
 * await joinScene(ctx);
 * ```
 */
export async function joinScene(ctx: ShowcaseContext): Promise<void> {
  const n = ctx.narrator;
  n.scene('1. Workers join and discover each other');
  n.say('Each worker opens its own ZooKeeper session and registers an ephemeral service instance');
  n.detail(
    `(ServiceRegistry → ${n.paint('/services/worker/<id>', 'bold')}, x-discovery JSON; ServiceDiscovery.instances$ streams the list)`,
  );
  ctx.operator = await Operator.start(ctx.connectString, ctx.stage);
  for (const [i, name] of WORKER_NAMES.entries()) {
    ctx.workers.push(await Worker.start(name, i, ctx.connectString, ctx.stage));
  }
  await waitFor(() => ctx.stage.services.length === WORKER_NAMES.length, 'three service instances', {
    signal: ctx.signal,
  });
  n.ok(`service 'worker' has ${ctx.stage.services.length} live instances: ${ctx.stage.services.join(', ')}`);
}
