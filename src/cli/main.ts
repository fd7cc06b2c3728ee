#!/usr/bin/env node
/**
 * The `zk-recipes` command: `zk-recipes --help`. Ctrl-C ends streaming commands cleanly; a
 * second Ctrl-C exits at once.
 *
 * @module
 */
import { runCli } from './run-cli.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error('interrupted'));
});
process.exitCode = await runCli(
  process.argv.slice(2),
  { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) },
  { signal: controller.signal },
);
