// The showcase behind `npm start`, end to end on its own 3-node ensemble: ZooKeeper leader
// killed, a worker's session expired, and the tally must come out clean.
import { describe, expect, it } from 'vitest';
import { runShowcase } from '../../examples/showcase/run-showcase.js';

describe('showcase', () => {
  it('plays every scene and loses nothing', { timeout: 120_000 }, async () => {
    let output = '';
    const tally = await runShowcase({ paceMs: 0, out: { write: (t: string) => (output += t) } });
    expect(tally).toMatchObject({
      produced: 60,
      recorded: 60,
      duplicates: 0,
      missing: 0,
      leftInQueue: 0,
      ok: true,
    });
    expect(new Set(tally.leaders).size).toBeGreaterThanOrEqual(2);
    expect(output).toContain('kill -9 ZooKeeper server');
    expect(output).toContain('NEW session');
    expect(output).toContain('everything stopped');
  });
});
