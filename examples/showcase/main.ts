/**
 * `npm start`: the live showcase. Starts a local 3-node ZooKeeper ensemble (or uses
 * `--connect host:port,…`), runs three workers through leader election, a lock, a queue, live
 * config and service discovery, kills the ZooKeeper leader, expires a worker's session, and
 * checks that nothing was lost. Ctrl-C stops everything.
 *
 * Usage: `npm start -- [--connect host:port,...] [--no-faults]`
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { runShowcase } from './run-showcase.js';

const USAGE = `usage: npm start -- [--connect host:port,...] [--no-faults]

  --connect   run against an existing ensemble (the server kill is skipped); default: env
              ZK_CONNECT, else a local 3-node ensemble started with the testing kit
  --no-faults skip the fault scenes (kill the ZooKeeper leader, expire a session)`;

async function main(): Promise<number> {
  let args: { connect?: string | undefined; 'no-faults'?: boolean | undefined; help?: boolean | undefined };
  try {
    args = parseArgs({
      options: {
        connect: { type: 'string' },
        'no-faults': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stdout.write('\nCtrl-C: stopping (press again to force)…\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    const connectString = args.connect ?? process.env.ZK_CONNECT;
    const tally = await runShowcase({
      ...(connectString ? { connectString } : {}),
      faults: !args['no-faults'],
      signal: controller.signal,
    });
    return tally.ok ? 0 : 1;
  } catch (err) {
    if (controller.signal.aborted) return 130;
    console.error(`showcase failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

process.exit(await main());
