/**
 * `zk-recipes tree [path]`: the node tree under a path.
 *
 * @module
 */
import { joinPath, NoNodeError, type ZooKeeperClient } from '../../index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { sessionHex } from '../format.js';

/** One node of the printed tree. */
export interface TreeNode {
  path: string;
  name: string;
  dataLength: number;
  numChildren: number;
  /** Owning session of an ephemeral node. */
  ephemeralOwner?: string;
  children: TreeNode[];
}

const MAX_NODES = 10_000;

async function read(
  client: ZooKeeperClient,
  path: string,
  depth: number,
  budget: { left: number },
): Promise<TreeNode | null> {
  const stat = await client.exists(path);
  if (!stat) return null;
  budget.left--;
  const node: TreeNode = {
    path,
    name: path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
    ...(stat.ephemeralOwner !== 0n ? { ephemeralOwner: sessionHex(stat.ephemeralOwner) } : {}),
    children: [],
  };
  if (depth <= 0 || stat.numChildren === 0 || budget.left <= 0) return node;
  let names: string[];
  try {
    names = (await client.getChildren(path)).sort();
  } catch (err) {
    if (err instanceof NoNodeError) return node;
    throw err;
  }
  const kids = await Promise.all(
    names.slice(0, Math.max(0, budget.left)).map((n) => read(client, joinPath(path, n), depth - 1, budget)),
  );
  node.children = kids.filter((k): k is TreeNode => k !== null);
  return node;
}

function render(node: TreeNode, prefix: string, last: boolean, root: boolean, lines: string[]): void {
  const notes = [
    node.dataLength > 0 ? `${node.dataLength} B` : undefined,
    node.ephemeralOwner ? `ephemeral ${node.ephemeralOwner}` : undefined,
    node.numChildren > node.children.length ? `${node.numChildren} children` : undefined,
  ].filter(Boolean);
  const label = `${root ? node.path : node.name}${notes.length ? `  [${notes.join(', ')}]` : ''}`;
  lines.push(root ? label : `${prefix}${last ? '└── ' : '├── '}${label}`);
  const childPrefix = root ? '' : `${prefix}${last ? '    ' : '│   '}`;
  node.children.forEach((c, i) => {
    render(c, childPrefix, i === node.children.length - 1, false, lines);
  });
}

/**
 * Reads and renders the tree (up to `--depth` levels, at most 10 000 nodes).
 *
 * @example
 * ```ts
 * const { text } = await treeCommand(ctx); // zk-recipes tree /app --depth 2
 * ```
 */
export async function treeCommand(ctx: CliContext): Promise<CommandOutput> {
  const path = ctx.cmd.args.path ?? '/';
  const budget = { left: MAX_NODES };
  const tree = await withClient(ctx, (client) => read(client, path, ctx.cmd.depth, budget));
  if (!tree) throw new CliError(`no node ${path}`);
  const lines: string[] = [];
  render(tree, '', true, true, lines);
  if (budget.left <= 0) lines.push(`… stopped after ${MAX_NODES} nodes`);
  return { json: tree, text: lines.join('\n') };
}
