/**
 * Lets every example run on its own: `tsx examples/<name>.ts [connectString]`. The connect
 * string comes from the argument, else env `ZK_CONNECT`, else a 1-node ensemble started with the
 * testing kit. The example runs under a fresh chroot that is deleted afterwards.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { connect } from '../../src/index.js';
import { Ensemble } from '../../src/testing/index.js';

/**
 * Runs `main` when `moduleUrl` is the program being executed (not when a test imports it) and
 * prints the summary it resolves with. Sets the exit code: 0 on success, 1 on failure.
 *
 * @example
 * ```ts
 * export async function main(connectString: string) { … return { ok: true }; }
 * await runExample(import.meta.url, main);
 * ```
 */
export async function runExample<T>(
  moduleUrl: string,
  main: (connectString: string) => Promise<T>,
): Promise<void> {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(resolve(entry)).href !== moduleUrl) return;
  const name = basename(fileURLToPath(moduleUrl), '.ts');
  const given = process.argv[2] ?? process.env.ZK_CONNECT;
  let ensemble: Ensemble | undefined;
  try {
    let servers = given;
    if (!servers) {
      console.log(`[${name}] no connect string given: starting a local 1-node ZooKeeper…`);
      ensemble = await Ensemble.start({ size: 1 });
      servers = ensemble.connectString;
    }
    const chroot = `/example-${name}-${randomUUID().slice(0, 8)}`;
    const admin = await connect(servers);
    try {
      await admin.mkdirp(chroot);
      const summary = await main(`${servers}${chroot}`);
      console.log(`[${name}] done:`, inspect(summary, { depth: 4, colors: process.stdout.isTTY }));
    } finally {
      await admin.deleteRecursive(chroot).catch(() => {});
      await admin.close();
    }
  } catch (err) {
    console.error(`[${name}] failed:`, err);
    process.exitCode = 1;
  } finally {
    await ensemble?.close();
  }
}
