/**
 * `zk-recipes ensemble start [--size 3]`: a local dev ensemble (the testing kit's `Ensemble`)
 * that stays up until Ctrl-C.
 *
 * @module
 */
import { Ensemble } from '../../testing/index.js';
import type { CliContext } from '../cli-context.js';
import { untilAborted } from '../until-aborted.js';
import { table, toJson } from '../format.js';

/**
 * Starts the ensemble, prints its connect string, waits for the signal, stops it. Resolves with
 * the exit code (0).
 *
 * @example
 * ```ts
 * await ensembleStartCommand(ctx); // zk-recipes ensemble start --size 3
 * ```
 */
export async function ensembleStartCommand(ctx: CliContext): Promise<number> {
  ctx.io.err(`starting ${ctx.cmd.size} ZooKeeper server(s)…`);
  const ensemble = await Ensemble.start({ size: ctx.cmd.size, signal: ctx.signal });
  try {
    const status = await ensemble.status();
    if (ctx.cmd.json) {
      ctx.io.out(
        toJson({
          connectString: ensemble.connectString,
          servers: status.map((s) => ({
            index: s.index,
            host: s.host,
            port: s.port,
            role: s.role,
            pid: s.pid,
          })),
        }),
      );
    } else {
      ctx.io.out(
        `ZooKeeper ensemble up (${ensemble.backend}); data in ${ensemble.workDir ?? 'containers'}\n`,
      );
      ctx.io.out(
        table(
          ['server', 'address', 'role', 'pid'],
          status.map((s) => [`s${s.index + 1}`, `${s.host}:${s.port}`, s.role, String(s.pid ?? '-')]),
        ),
      );
      ctx.io.out(`\nconnect string: ${ensemble.connectString}`);
      ctx.io.out(`try:            ZK_CONNECT=${ensemble.connectString} zk-recipes tree /`);
    }
    ctx.io.err('running until Ctrl-C…');
    await untilAborted(ctx.signal);
  } finally {
    ctx.io.err('stopping the ensemble…');
    await ensemble.close();
    ctx.io.err('stopped');
  }
  return 0;
}
