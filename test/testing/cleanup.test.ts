import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/abandon-ensemble.ts', import.meta.url));

/** Running or stopped; a zombie (killed, waiting to be reaped by init) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false; // ps found no such process
  }
}

interface Abandoned {
  child: ChildProcess;
  pids: number[];
  dir: string;
  stderr: () => string;
}

async function startChild(mode: 'throw' | 'signal', size: 1 | 3): Promise<Abandoned> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, String(size)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting:\n${stderr}`)));
  });
  const { pids, dir } = JSON.parse(line) as { pids: number[]; dir: string };
  return { child, pids, dir, stderr: () => stderr };
}

async function expectNothingLeft({ pids, dir }: Abandoned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) || existsSync(dir)) {
    if (Date.now() > deadline) break;
    await sleep(50);
  }
  expect(pids.filter(isAlive)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
}

describe('cleanup when a test process dies without close()', () => {
  it('an uncaught exception leaves no server process (even a paused one) and no temp dir', async () => {
    const abandoned = await startChild('throw', 3);
    expect(abandoned.pids).toHaveLength(3);
    expect(abandoned.pids.every(isAlive)).toBe(true);
    expect(existsSync(abandoned.dir)).toBe(true);
    abandoned.child.stdin!.write('throw now\n');
    const [code] = await once(abandoned.child, 'exit');
    expect(code).not.toBe(0);
    expect(abandoned.stderr()).toContain('uncaught exception in a test');
    // The exit hook runs synchronously before the process is gone: nothing may be left now.
    await expectNothingLeft(abandoned, 0);
  });

  it('SIGTERM cleans up and then still ends the process by the signal', async () => {
    const abandoned = await startChild('signal', 1);
    abandoned.child.kill('SIGTERM');
    const [, signal] = await once(abandoned.child, 'exit');
    expect(signal).toBe('SIGTERM');
    await expectNothingLeft(abandoned, 0);
  });

  it('SIGKILL (no hook can run): the watchdog removes servers and temp dir within seconds', async () => {
    const abandoned = await startChild('signal', 1);
    abandoned.child.kill('SIGKILL');
    await once(abandoned.child, 'exit');
    await expectNothingLeft(abandoned, 10_000);
  });
});
