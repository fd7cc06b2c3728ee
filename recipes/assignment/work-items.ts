import { NodeExistsError, type CallOptions, type ZooKeeperClient } from '../../src/index.js';
import { decodeOwner } from './owner-record.js';
import { WorkPaths } from './work-paths.js';

/**
 * Adds work items (persistent `items/<name>` nodes; existing ones are left as they are) to the
 * work group at `path`, in one multi per 500 items. Resolves with the names that were new.
 *
 * @example
 * ```ts
 * await addWorkItems(client, '/logs', ['host-1', 'host-2'], { data: (name) => `tail /var/log/${name}` });
 * ```
 */
export async function addWorkItems(
  client: ZooKeeperClient,
  path: string,
  items: readonly string[],
  opts: CallOptions & { data?: (item: string) => Uint8Array | string } = {},
): Promise<string[]> {
  const paths = new WorkPaths(path);
  const call = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  await client.mkdirp(paths.items, { ...call, mode: 'persistent' });
  const existing = new Set(await client.getChildren(paths.items, call));
  const added: string[] = [];
  const fresh = [...new Set(items)].filter((i) => !existing.has(i));
  for (let i = 0; i < fresh.length; i += 500) {
    const chunk = fresh.slice(i, i + 500);
    const tx = client.multi();
    for (const item of chunk) tx.create(paths.item(item), opts.data?.(item) ?? '', { mode: 'persistent' });
    try {
      await tx.commit(call);
      added.push(...chunk);
    } catch (err) {
      if (!(err instanceof NodeExistsError)) throw err;
      for (const item of chunk) {
        try {
          await client.create(paths.item(item), opts.data?.(item) ?? '', { ...call, mode: 'persistent' });
          added.push(item);
        } catch (e) {
          if (!(e instanceof NodeExistsError)) throw e;
        }
      }
    }
  }
  return added;
}

/**
 * Removes a work item with its owner and progress nodes; its owner sees it disappear and stops.
 *
 * @example
 * ```ts
 * await removeWorkItem(client, '/logs', 'host-2');
 * ```
 */
export async function removeWorkItem(
  client: ZooKeeperClient,
  path: string,
  item: string,
  opts: CallOptions = {},
): Promise<void> {
  await client.deleteRecursive(new WorkPaths(path).item(item), opts);
}

/**
 * Who owns what, read from ZooKeeper's owner nodes: item → worker id (items without an owner are
 * absent). For monitoring and tests.
 *
 * @example
 * ```ts
 * const owners = await readWorkOwners(client, '/logs');
 * ```
 */
export async function readWorkOwners(
  client: ZooKeeperClient,
  path: string,
  opts: CallOptions = {},
): Promise<Map<string, string>> {
  const paths = new WorkPaths(path);
  const items = (await client.getChildren(paths.items, opts)).sort();
  const out = new Map<string, string>();
  if (items.length === 0) return out;
  const results = await client.multiRead(
    items.map((i) => ({ type: 'getData' as const, path: paths.owner(i) })),
    opts,
  );
  results.forEach((r, i) => {
    if (r.type === 'getData') out.set(items[i]!, decodeOwner(r.data, r.stat).worker);
  });
  return out;
}
