/**
 * `zk-recipes services [name]`: the registered services (x-discovery layout), or the instances
 * of one service.
 *
 * @module
 */
import { buildUri, ServiceDiscovery } from '../../../recipes/discovery/index.js';
import { type CliContext, type CommandOutput, withClient } from '../cli-context.js';
import { formatDuration, table } from '../format.js';

/**
 * Lists services (name → instance count) or one service's instances.
 *
 * @example
 * ```ts
 * await servicesCommand(ctx); // zk-recipes services api --base /services
 * ```
 */
export async function servicesCommand(ctx: CliContext): Promise<CommandOutput> {
  const name = ctx.cmd.args.name;
  const base = ctx.cmd.base;
  return withClient(ctx, async (client) => {
    const discovery = new ServiceDiscovery(client, { basePath: base });
    if (name === undefined) {
      const names = await discovery.names();
      const counts = await Promise.all(names.map(async (n) => (await discovery.instances(n)).length));
      return {
        json: { base, services: names.map((n, i) => ({ name: n, instances: counts[i] })) },
        text:
          names.length === 0
            ? `no services under ${base}`
            : table(
                ['service', 'instances'],
                names.map((n, i) => [n, String(counts[i])]),
              ),
      };
    }
    const instances = await discovery.instances(name);
    const now = Date.now();
    const uri = (i: (typeof instances)[number]) => {
      try {
        return i.uriSpec ? buildUri(i) : '';
      } catch {
        return '';
      }
    };
    return {
      json: { base, name, instances },
      text:
        instances.length === 0
          ? `no instances of ${name} under ${base}`
          : table(
              ['id', 'address', 'port', 'enabled', 'registered', 'uri'],
              instances.map((i) => [
                i.id,
                i.address ?? '-',
                String(i.port ?? i.sslPort ?? '-'),
                i.enabled ? 'yes' : 'no',
                `${formatDuration(now - i.registrationTimeUTC)} ago`,
                uri(i),
              ]),
            ),
    };
  });
}
