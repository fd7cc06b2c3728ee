import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/cli-error.js';
import { parseCommandLine, usage } from '../../../src/cli/parse-args.js';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env);
const usageError = (argv: string[]) => {
  try {
    parse(argv);
  } catch (err) {
    return { code: (err as { exitCode?: number }).exitCode, message: (err as Error).message };
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
};

describe('CLI argument parsing', () => {
  it('parses a command with its positionals and global options', () => {
    const cmd = parse(['set', '/app/flag', 'on', '--create', '--version', '3', '--json', '-c', 'h:2181']);
    expect(cmd).toMatchObject({
      command: 'set',
      args: { path: '/app/flag', value: 'on' },
      create: true,
      version: 3,
      json: true,
      connect: 'h:2181',
    });
  });

  it('takes the ensemble from ZK_CONNECT unless --connect is given', () => {
    expect(parse(['tree'], { ZK_CONNECT: 'env:1' }).connect).toBe('env:1');
    expect(parse(['tree', '--connect', 'flag:1'], { ZK_CONNECT: 'env:1' }).connect).toBe('flag:1');
    expect(parse(['tree']).connect).toBeUndefined();
  });

  it('has defaults: tree of /, unlimited depth, 10 s timeout, /services base, 3 servers', () => {
    const tree = parse(['tree']);
    expect(tree.args).toEqual({});
    expect(tree.depth).toBe(Number.POSITIVE_INFINITY);
    expect(tree.timeoutMs).toBe(10_000);
    expect(tree.base).toBe('/services');
    expect(parse(['ensemble', 'start']).size).toBe(3);
    expect(parse(['ensemble', 'start', '--size', '5'])).toMatchObject({ command: 'ensemble start', size: 5 });
  });

  it('shows help with no command or --help', () => {
    expect(parse([]).command).toBe('help');
    expect(parse(['get', '/x', '--help']).command).toBe('help');
    expect(usage()).toContain('assignment <path>');
    expect(usage()).toContain('exit codes');
  });

  it.each([
    [['frob'], "unknown command 'frob'"],
    [['ensemble', 'stop'], "unknown command 'ensemble stop'"],
    [['get'], 'missing <path>'],
    [['set', '/a'], 'missing <value>'],
    [['get', 'relative'], "must start with '/'"],
    [['get', '/a', '/b'], "unexpected argument '/b'"],
    [['tree', '--depth=-1'], '--depth must be an integer >= 0'],
    [['tree', '--timeout', 'soon'], '--timeout must be an integer >= 1'],
    [['ensemble', 'start', '--size', '2'], '--size must be 1, 3 or 5'],
    [['tree', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a usage error', (argv, message) => {
    const { code, message: got } = usageError(argv);
    expect(code).toBe(EXIT.usage);
    expect(got).toContain(message);
  });
});
