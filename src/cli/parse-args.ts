/**
 * Command-line parsing of the `zk-recipes` CLI (pure: no I/O), with `node:util` `parseArgs`.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './cli-error.js';

/** Every command, with its positional arguments as `[name, required]`. */
export const COMMANDS = {
  'ensemble start': { positionals: [], summary: 'start a local dev ensemble until Ctrl-C' },
  tree: { positionals: [['path', false]], summary: 'print the node tree under a path (default /)' },
  get: { positionals: [['path', true]], summary: "print a node's data and stat" },
  set: {
    positionals: [
      ['path', true],
      ['value', true],
    ],
    summary: "set a node's data",
  },
  watch: { positionals: [['path', true]], summary: 'stream changes under a path until Ctrl-C' },
  locks: {
    positionals: [['path', true]],
    summary: 'holders and waiters of a lock, read/write lock or semaphore',
  },
  leader: { positionals: [['path', true]], summary: 'the leader and candidates of a leader latch' },
  queue: { positionals: [['path', true]], summary: 'depth and oldest item age of a queue' },
  services: { positionals: [['name', false]], summary: 'registered services, or the instances of one' },
  assignment: { positionals: [['path', true]], summary: 'who owns which item of a work assignment' },
} as const satisfies Record<
  string,
  { positionals: readonly (readonly [string, boolean])[]; summary: string }
>;

/** A command name. */
export type CommandName = keyof typeof COMMANDS;

/** A parsed command line. */
export interface ParsedCommand {
  command: CommandName | 'help';
  /** Positional arguments by name (`path`, `value`, `name`). */
  args: Record<string, string>;
  /** `--connect`, else env `ZK_CONNECT`; undefined when neither is set. */
  connect: string | undefined;
  json: boolean;
  /** How long to wait for a server (`--timeout`, ms). */
  timeoutMs: number;
  /** `ensemble start --size`. */
  size: 1 | 3 | 5;
  /** `tree --depth`. */
  depth: number;
  /** `watch --recursive`. */
  recursive: boolean;
  /** `set --create`: create the node (and parents) if missing. */
  create: boolean;
  /** `set --version`: compare-and-set on this version. */
  version: number | undefined;
  /** `services --base`: the discovery base path. */
  base: string;
}

const OPTIONS = {
  connect: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  size: { type: 'string' },
  depth: { type: 'string' },
  recursive: { type: 'boolean', short: 'r' },
  create: { type: 'boolean' },
  version: { type: 'string' },
  base: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`--${name} must be an integer >= ${min}, got '${raw}'`, EXIT.usage);
  return n;
}

/**
 * Parses `argv` (without `node` and the script). Throws a {@link CliError} with exit code 2 on
 * bad input.
 *
 * @example
 * ```ts
 * parseCommandLine(['get', '/app/config', '--json'], {});
 * // { command: 'get', args: { path: '/app/config' }, json: true, … }
 * ```
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ParsedCommand {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const base: Omit<ParsedCommand, 'command' | 'args'> = {
    connect: values.connect ?? env.ZK_CONNECT,
    json: values.json ?? false,
    timeoutMs: integer('timeout', values.timeout, 10_000, 1),
    size: 3,
    depth: integer('depth', values.depth, Number.POSITIVE_INFINITY, 0),
    recursive: values.recursive ?? false,
    create: values.create ?? false,
    version: values.version === undefined ? undefined : integer('version', values.version, -1, -1),
    base: values.base ?? '/services',
  };
  if (values.help || positionals.length === 0) return { command: 'help', args: {}, ...base };
  let name = positionals[0]!;
  let rest = positionals.slice(1);
  if (name === 'ensemble') {
    if (rest[0] !== 'start')
      throw new CliError(
        `unknown command 'ensemble ${rest[0] ?? ''}' (did you mean 'ensemble start'?)`,
        EXIT.usage,
      );
    name = 'ensemble start';
    rest = rest.slice(1);
  }
  if (!(name in COMMANDS))
    throw new CliError(`unknown command '${name}' (see zk-recipes --help)`, EXIT.usage);
  const command = name as CommandName;
  const spec = COMMANDS[command].positionals as readonly (readonly [string, boolean])[];
  if (rest.length > spec.length)
    throw new CliError(`${command}: unexpected argument '${rest[spec.length]}'`, EXIT.usage);
  const args: Record<string, string> = {};
  spec.forEach(([arg, required], i) => {
    const value = rest[i];
    if (value === undefined) {
      if (required) throw new CliError(`${command}: missing <${arg}>`, EXIT.usage);
      return;
    }
    if (arg === 'path' && !value.startsWith('/'))
      throw new CliError(`${command}: <path> must start with '/', got '${value}'`, EXIT.usage);
    args[arg] = value;
  });
  const size = integer('size', values.size, 3, 1);
  if (size !== 1 && size !== 3 && size !== 5)
    throw new CliError(`--size must be 1, 3 or 5, got ${size}`, EXIT.usage);
  return { ...base, command, args, size };
}

/**
 * The `--help` text.
 *
 * @example
 * ```ts
 * console.log(usage());
 * ```
 */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, spec]) => {
    const args = (spec.positionals as readonly (readonly [string, boolean])[])
      .map(([a, required]) => (required ? `<${a}>` : `[${a}]`))
      .join(' ');
    return `  ${`${name} ${args}`.padEnd(width + 16)} ${spec.summary}`;
  });
  return [
    'usage: zk-recipes <command> [args] [options]',
    '',
    'commands:',
    ...lines,
    '',
    'options:',
    '  -c, --connect <hosts>  servers, e.g. 127.0.0.1:2181,127.0.0.1:2182[/chroot] (default: env ZK_CONNECT)',
    '  --json                 machine-readable output (one JSON document; JSON lines for watch)',
    '  --timeout <ms>         how long to wait for a server (default 10000)',
    '  --size <n>             ensemble start: 1, 3 or 5 servers (default 3)',
    '  --depth <n>            tree: how deep to descend',
    '  -r, --recursive        watch: the whole subtree',
    '  --create               set: create the node (and its parents) when missing',
    '  --version <n>          set: only if the node is at this version',
    '  --base <path>          services: discovery base path (default /services)',
    '',
    'exit codes: 0 ok, 1 command failed, 2 bad usage, 3 ZooKeeper unreachable, 130 interrupted',
  ].join('\n');
}
