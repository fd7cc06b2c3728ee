/**
 * A client on a secured ensemble: SASL DIGEST-MD5 (the Kafka-style `DigestLoginModule` setup)
 * instead of shared-secret digest auth. The session authenticates before any request, on every
 * (re)connect; nodes carry `sasl` ACLs so that only that user reads them.
 *
 * Server side (what the standalone run sets up by itself):
 * - zoo.cfg: `authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider`
 * - JVM flag: `-Djava.security.auth.login.config=/path/jaas.conf` with
 *   `Server { org.apache.zookeeper.server.auth.DigestLoginModule required user_app="app-secret"; };`
 *
 * Run: `tsx examples/secure-client.ts [connectString]` (without one it starts a local
 * SASL-enabled 1-node ZooKeeper).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect, digestMd5, NoAuthError, Perms } from '../index.js';
import { Ensemble } from '../src/testing/index.js';

export async function main(
  connectString: string,
  credentials = { username: 'app', password: 'app-secret' },
): Promise<{ identity: string[]; ownerReads: string; anonymousRefused: boolean }> {
  const app = await connect(connectString, { sasl: digestMd5(credentials) });
  const anonymous = await connect(connectString);
  try {
    const identity = (await app.whoAmI()).map((i) => `${i.authScheme}:${i.user}`);
    console.log(`authenticated as ${identity.join(', ')}`);
    // Only this SASL user may do anything with the node.
    await app.create('/secret', 'db-password=hunter2', {
      acl: [{ perms: Perms.all, id: { scheme: 'sasl', id: credentials.username } }],
    });
    const ownerReads = (await app.getData('/secret')).data.toString();
    let anonymousRefused = false;
    try {
      await anonymous.getData('/secret');
    } catch (err) {
      anonymousRefused = err instanceof NoAuthError;
    }
    console.log(
      `owner reads the node; an unauthenticated client is ${anonymousRefused ? 'refused' : 'let in'}`,
    );
    await app.delete('/secret');
    return { identity, ownerReads, anonymousRefused };
  } finally {
    await Promise.all([app.close(), anonymous.close()]);
  }
}

const entry = process.argv[1];
if (entry && pathToFileURL(resolve(entry)).href === import.meta.url) {
  const given = process.argv[2] ?? process.env.ZK_CONNECT;
  const dir = mkdtempSync(join(tmpdir(), 'zk-sasl-example-'));
  let ensemble: Ensemble | undefined;
  try {
    let servers = given;
    if (!servers) {
      console.log('[secure-client] starting a local SASL-enabled 1-node ZooKeeper…');
      const jaas = join(dir, 'jaas.conf');
      writeFileSync(
        jaas,
        'Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n  user_app="app-secret";\n};\n',
      );
      ensemble = await Ensemble.start({
        size: 1,
        jvmFlags: [`-Djava.security.auth.login.config=${jaas}`],
        serverConfig: { 'authProvider.1': 'org.apache.zookeeper.server.auth.SASLAuthenticationProvider' },
      });
      servers = ensemble.connectString;
    }
    console.log('[secure-client] done:', await main(servers));
  } catch (err) {
    console.error('[secure-client] failed:', err);
    process.exitCode = 1;
  } finally {
    await ensemble?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
