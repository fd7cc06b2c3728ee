import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A self-signed server certificate for `127.0.0.1`/`localhost`, as a Java keystore and as PEM.
 *
 * @example
 * ```ts
 * const { caPem } = createTlsMaterial(dir, '/usr/bin/java');
 * await connect(secureConnectString, { tls: { ca: caPem } });
 * ```
 */
export interface TlsMaterial {
  /** PKCS12 keystore holding the key and certificate (also used as the servers' trust store). */
  keyStorePath: string;
  keyStorePassword: string;
  /** The certificate in PEM: pass it as `tls: { ca }` to a client. */
  caPem: string;
}

function keytoolPath(javaPath: string): string {
  try {
    const candidate = join(dirname(realpathSync(javaPath)), 'keytool');
    if (existsSync(candidate)) return candidate;
  } catch {
    // fall back to PATH
  }
  return 'keytool';
}

/**
 * Generates a self-signed certificate (SAN `IP:127.0.0.1`, `DNS:localhost`) with the JDK's
 * `keytool`, for servers started with a secure client port.
 *
 * @example
 * ```ts
 * const tls = createTlsMaterial('/tmp/zk-recipes-x/tls', '/usr/bin/java');
 * const client = await connect(ensemble.secureConnectString!, { tls: { ca: tls.caPem } });
 * ```
 */
export function createTlsMaterial(dir: string, javaPath: string): TlsMaterial {
  mkdirSync(dir, { recursive: true });
  const keytool = keytoolPath(javaPath);
  const keyStorePath = join(dir, 'keystore.p12');
  const caPath = join(dir, 'ca.pem');
  const keyStorePassword = randomBytes(12).toString('hex');
  const common = [
    '-alias',
    'zk',
    '-keystore',
    keyStorePath,
    '-storetype',
    'PKCS12',
    '-storepass',
    keyStorePassword,
  ];
  execFileSync(
    keytool,
    [
      '-genkeypair',
      ...common,
      '-keypass',
      keyStorePassword,
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '3650',
      '-dname',
      'CN=localhost',
      '-ext',
      'SAN=ip:127.0.0.1,dns:localhost',
      '-J-XX:TieredStopAtLevel=1',
      '-J-XX:+UseSerialGC',
    ],
    { stdio: 'pipe', timeout: 60_000 },
  );
  execFileSync(keytool, ['-exportcert', '-rfc', ...common, '-file', caPath], {
    stdio: 'pipe',
    timeout: 60_000,
  });
  return { keyStorePath, keyStorePassword, caPem: readFileSync(caPath, 'utf8') };
}
