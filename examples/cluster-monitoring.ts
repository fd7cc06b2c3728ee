/**
 * Cluster monitoring: every server joins a group as an ephemeral member carrying its status
 * (`GroupMember`); a monitor follows `members$` and sees servers join, update their load, and
 * disappear when they die (their session ends), without polling anyone.
 *
 * Run: `tsx examples/cluster-monitoring.ts [connectString]`
 */
import { filter, firstValueFrom } from 'rxjs';
import { connect, GroupMember } from '../index.js';
import { runExample } from './support/run-example.js';

interface Health {
  load: number;
  version: string;
}

export async function main(connectString: string): Promise<{ timeline: string[]; finalMembers: string[] }> {
  await using monitorClient = await connect(connectString);
  // The monitor is itself a member (role: monitor) and reads everyone through members$.
  await using monitor = new GroupMember<Health | { role: string }>(monitorClient, '/cluster/servers', {
    id: 'monitor',
    payload: { role: 'monitor' },
  });
  await monitor.start({ timeoutMs: 10_000 });
  const timeline: string[] = [];
  const sub = monitor.members$.subscribe((members) => {
    const servers = [...members].filter(([id]) => id !== 'monitor');
    const line = servers
      .map(([id, h]) => `${id}(load ${'load' in (h ?? {}) ? (h as Health).load : '?'})`)
      .join(' ');
    timeline.push(line || '(no servers)');
    console.log(`monitor sees: ${line || '(no servers)'}`);
  });
  const serversUp = (n: number) => firstValueFrom(monitor.members$.pipe(filter((m) => m.size === n + 1)));

  // Three servers start and report their health.
  const clients = await Promise.all([1, 2, 3].map(() => connect(connectString)));
  const members = clients.map(
    (client, i) =>
      new GroupMember<Health>(client, '/cluster/servers', {
        id: `srv-${i + 1}`,
        payload: { load: 0.1, version: '1.4.2' },
      }),
  );
  for (const m of members) await m.start({ timeoutMs: 10_000 });
  await serversUp(3);

  // srv-2 gets busy and says so; the monitor sees the change.
  await members[1]!.updatePayload({ load: 0.9, version: '1.4.2' });
  await firstValueFrom(
    monitor.members$.pipe(filter((m) => (m.get('srv-2') as Health | undefined)?.load === 0.9)),
  );

  // srv-3 crashes: its session ends and the monitor sees it leave.
  await clients[2]!.close();
  await serversUp(2);

  sub.unsubscribe();
  const finalMembers = [...monitor.members.keys()].filter((id) => id !== 'monitor').sort();
  for (const m of members.slice(0, 2)) await m.close();
  await Promise.all(clients.slice(0, 2).map((c) => c.close()));
  return { timeline, finalMembers };
}

await runExample(import.meta.url, main);
