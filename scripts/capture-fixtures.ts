// Captures golden bytes from a REAL ZooKeeper server for the codec's unit tests.
//
//   npx tsx scripts/capture-fixtures.ts                  (server: $ZK_FIXTURE_SERVER or 127.0.0.1:21811)
//   npx tsx scripts/capture-fixtures.ts --cleanup /fixtures-xxxx   (removes a prefix left behind)
//
// Opens raw TCP connections, sends requests built with our encoders, and writes every request
// frame and the server's reply frames as hex to test/fixtures/protocol/*.json. Everything lives
// under a unique /fixtures-<random> prefix that is deleted before the session closes.
//
// NEVER add a standalone `check` (opcode 13) here: ZooKeeper 3.8.0 logs it as a CheckVersionTxn
// that SerializeUtils.deserializeTxn cannot read back ("Unsupported Txn with type=13"), so every
// server that reloads its database afterwards (restart, re-election) loops forever. It broke the
// shared dev ensemble once. encodeRequest now refuses it; use multi([check]) instead.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import {
  type Acl,
  AddWatchMode,
  CreateFlags,
  decodeConnectResponse,
  decodeReplyHeader,
  decodeResponse,
  encodeConnectRequest,
  encodeRequest,
  FrameDecoder,
  JuteReader,
  type Request,
  type Response,
  WatcherType,
  Xid,
} from '../src/protocol/index.js';
import {
  type FixtureSession,
  type FixtureStep,
  toFixtureJson,
} from '../test/fixtures/protocol/fixture-format.js';

const OUT_DIR = new URL('../test/fixtures/protocol/', import.meta.url);
const TARGET = process.env.ZK_FIXTURE_SERVER ?? '127.0.0.1:21811';
const READ_TIMEOUT_MS = 5000;

/** A raw ZooKeeper connection: frames in, frames out. */
class RawConnection {
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private closed = false;
  private readonly decoder = new FrameDecoder();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.frames.push(Buffer.from(f));
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static open(target: string): Promise<RawConnection> {
    const at = target.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      const s = connect({ host: target.slice(0, at), port: Number(target.slice(at + 1)) });
      s.once('connect', () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }

  send(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** Next frame body (without prefix); rejects after READ_TIMEOUT_MS or when the server closes. */
  async next(): Promise<Buffer> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('server closed the connection');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.frames.shift()!;
  }

  /** Resolves when the server has closed the socket (or after the read timeout). */
  async waitClosed(): Promise<boolean> {
    const deadline = Date.now() + READ_TIMEOUT_MS;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

function frameHex(body: Buffer): string {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(body.length);
  return Buffer.concat([prefix, body]).toString('hex');
}

/** Runs requests on one connection and records each exchange. */
class Recorder {
  readonly steps: FixtureStep[] = [];
  private xid = 1;
  lastZxid = 0n;

  constructor(readonly conn: RawConnection) {}

  /** Sends `req` and returns the decoded reply; records it unless `name` is null. */
  async run(name: string | null, req: Request, xid?: number): Promise<{ err: number; res?: Response }> {
    const useXid = xid ?? this.xid++;
    const frame = encodeRequest(useXid, req);
    this.conn.send(frame);
    const notifications: string[] = [];
    let reply: Buffer;
    for (;;) {
      reply = await this.conn.next();
      const xidOf = reply.readInt32BE(0);
      if (xidOf === Xid.notification) notifications.push(frameHex(reply));
      else if (xidOf === useXid) break;
      else throw new Error(`${name}: unexpected xid ${xidOf}, wanted ${useXid}`);
    }
    // flush notifications that trail the reply: a ping round trip
    if (name !== null && req.op !== 'closeSession') {
      this.conn.send(encodeRequest(Xid.ping, { op: 'ping' }));
      for (;;) {
        const f = await this.conn.next();
        const x = f.readInt32BE(0);
        if (x === Xid.notification) notifications.push(frameHex(f));
        else if (x === Xid.ping) break;
        else throw new Error(`${name}: unexpected xid ${x} while flushing`);
      }
    }
    const r = new JuteReader(reply);
    const header = decodeReplyHeader(r);
    if (header.zxid > this.lastZxid) this.lastZxid = header.zxid;
    const res = header.err === 0 ? decodeResponse(req.op, r) : undefined;
    if (name !== null) {
      this.steps.push({
        name,
        xid: useXid,
        request: req,
        requestHex: frame.toString('hex'),
        replyHex: frameHex(reply),
        err: header.err,
        notificationsHex: notifications,
      });
      console.log(`${name.padEnd(28)} err=${header.err} notifications=${notifications.length}`);
    }
    return res === undefined ? { err: header.err } : { err: header.err, res };
  }
}

async function handshake(conn: RawConnection, sessionId = 0n, passwd = Buffer.alloc(16)) {
  const request = {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOut: 10_000,
    sessionId,
    passwd,
    readOnly: false,
  };
  const requestFrame = encodeConnectRequest(request);
  conn.send(requestFrame);
  const body = await conn.next();
  return { request, requestHex: requestFrame.toString('hex'), responseHex: frameHex(body), body };
}

const OPEN: Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const data = (s: string) => Buffer.from(s, 'utf8');

function save(file: string, session: FixtureSession): void {
  writeFileSync(new URL(file, OUT_DIR), `${toFixtureJson(session)}\n`);
  console.log(`wrote test/fixtures/protocol/${file} (${session.steps.length} steps)`);
}

async function deleteTree(rec: Recorder, path: string): Promise<void> {
  const { res } = await rec.run(null, { op: 'getChildren', path, watch: false });
  if (res?.op === 'getChildren') for (const c of res.children) await deleteTree(rec, `${path}/${c}`);
  await rec.run(null, { op: 'delete', path, version: -1 });
}

async function mainSession(prefix: string): Promise<void> {
  const conn = await RawConnection.open(TARGET);
  const connect = await handshake(conn);
  const { sessionId } = decodeConnectResponse(connect.body);
  console.log(`session 0x${sessionId.toString(16)}`);
  const rec = new Recorder(conn);
  const P = prefix;
  const user = 'fixture';
  const digest = createHash('sha1').update(`${user}:secret`).digest('base64');
  try {
    await rec.run('create', {
      op: 'create',
      path: P,
      data: data('root'),
      acl: OPEN,
      flags: CreateFlags.persistent,
    });
    await rec.run('create2', { op: 'create2', path: `${P}/c2`, data: data('hello'), acl: OPEN, flags: 0 });
    await rec.run('create-nodeExists', { op: 'create', path: P, data: Buffer.alloc(0), acl: OPEN, flags: 0 });
    await rec.run('createContainer', {
      op: 'createContainer',
      path: `${P}/container`,
      data: Buffer.alloc(0),
      acl: OPEN,
      flags: CreateFlags.container,
    });
    await rec.run('create-child-of-container', {
      op: 'create',
      path: `${P}/container/child`,
      data: data('keeps the container alive'),
      acl: OPEN,
      flags: 0,
    });
    await rec.run('createTTL', {
      op: 'createTTL',
      path: `${P}/ttl`,
      data: data('ttl'),
      acl: OPEN,
      flags: CreateFlags.persistentWithTtl,
      ttl: 600_000n,
    });
    await rec.run('exists', { op: 'exists', path: `${P}/c2`, watch: false });
    await rec.run('exists-noNode', { op: 'exists', path: `${P}/missing`, watch: true });
    await rec.run('getData', { op: 'getData', path: `${P}/c2`, watch: true });
    await rec.run('setData', { op: 'setData', path: `${P}/c2`, data: data('world ✓'), version: 0 });
    await rec.run('setData-badVersion', { op: 'setData', path: `${P}/c2`, data: data('x'), version: 0 });
    await rec.run('getData-noNode', { op: 'getData', path: `${P}/missing`, watch: false });
    await rec.run('getACL', { op: 'getACL', path: `${P}/c2` });
    await rec.run('setACL', {
      op: 'setACL',
      path: `${P}/c2`,
      acl: [
        { perms: 31, id: { scheme: 'digest', id: `${user}:${digest}` } },
        { perms: 1, id: { scheme: 'world', id: 'anyone' } },
      ],
      version: 0,
    });
    await rec.run('getACL-after-setACL', { op: 'getACL', path: `${P}/c2` });
    await rec.run('getChildren', { op: 'getChildren', path: P, watch: true });
    await rec.run('create-ephemeralSequential', {
      op: 'create',
      path: `${P}/eph-`,
      data: Buffer.alloc(0),
      acl: OPEN,
      flags: CreateFlags.ephemeralSequential,
    });
    await rec.run('create-nullData', {
      op: 'create2',
      path: `${P}/empty`,
      data: Buffer.alloc(0),
      acl: OPEN,
      flags: 0,
    });
    await rec.run('getChildren2', { op: 'getChildren2', path: P, watch: false });
    await rec.run('sync', { op: 'sync', path: P });
    await rec.run('multi', {
      op: 'multi',
      ops: [
        { op: 'create', path: `${P}/m1`, data: data('m1'), acl: OPEN, flags: 0 },
        { op: 'create2', path: `${P}/m2`, data: data('m2'), acl: OPEN, flags: 0 },
        {
          op: 'createContainer',
          path: `${P}/m3`,
          data: Buffer.alloc(0),
          acl: OPEN,
          flags: CreateFlags.container,
        },
        { op: 'createTTL', path: `${P}/m4`, data: Buffer.alloc(0), acl: OPEN, flags: 5, ttl: 600_000n },
        { op: 'setData', path: `${P}/m1`, data: data('m1 v1'), version: 0 },
        { op: 'check', path: `${P}/m1`, version: 1 },
        { op: 'delete', path: `${P}/m1`, version: 1 },
      ],
    });
    await rec.run('multi-failure', {
      op: 'multi',
      ops: [
        { op: 'create', path: `${P}/f1`, data: Buffer.alloc(0), acl: OPEN, flags: 0 },
        { op: 'check', path: `${P}/m2`, version: 99 },
        { op: 'setData', path: `${P}/m2`, data: data('never'), version: -1 },
      ],
    });
    await rec.run('multiRead', {
      op: 'multiRead',
      ops: [
        { op: 'getData', path: `${P}/m2` },
        { op: 'getChildren', path: `${P}/container` },
        { op: 'getData', path: `${P}/missing` },
        { op: 'getChildren', path: `${P}/missing` },
      ],
    });
    await rec.run('getData-watch-for-checkWatches', { op: 'getData', path: `${P}/m2`, watch: true });
    await rec.run('checkWatches', { op: 'checkWatches', path: `${P}/m2`, type: WatcherType.data });
    await rec.run('checkWatches-noWatcher', {
      op: 'checkWatches',
      path: `${P}/m2`,
      type: WatcherType.children,
    });
    await rec.run('removeWatches', { op: 'removeWatches', path: `${P}/m2`, type: WatcherType.data });
    await rec.run('removeWatches-noWatcher', {
      op: 'removeWatches',
      path: `${P}/m2`,
      type: WatcherType.data,
    });
    await rec.run('addWatch', { op: 'addWatch', path: `${P}/m2`, mode: AddWatchMode.persistent });
    await rec.run('addWatch-recursive', { op: 'addWatch', path: P, mode: AddWatchMode.persistentRecursive });
    await rec.run('setData-persistent-watch-fires', {
      op: 'setData',
      path: `${P}/m2`,
      data: data('v'),
      version: -1,
    });
    const before = rec.lastZxid;
    await rec.run(null, { op: 'setData', path: `${P}/m2`, data: data('changed while away'), version: -1 });
    await rec.run(null, { op: 'create', path: `${P}/appeared`, data: Buffer.alloc(0), acl: OPEN, flags: 0 });
    await rec.run(
      'setWatches',
      {
        op: 'setWatches',
        relativeZxid: before,
        dataWatches: [`${P}/m2`],
        existWatches: [`${P}/appeared`, `${P}/missing`],
        childWatches: [P],
      },
      Xid.setWatches,
    );
    await rec.run(
      'setWatches2',
      {
        op: 'setWatches2',
        relativeZxid: rec.lastZxid,
        dataWatches: [],
        existWatches: [`${P}/missing`],
        childWatches: [],
        persistentWatches: [`${P}/m2`],
        persistentRecursiveWatches: [P],
      },
      Xid.setWatches,
    );
    await rec.run('getEphemerals', { op: 'getEphemerals', prefixPath: P });
    await rec.run('getAllChildrenNumber', { op: 'getAllChildrenNumber', path: P });
    await rec.run('auth', { op: 'auth', type: 0, scheme: 'digest', auth: data(`${user}:secret`) }, Xid.auth);
    await rec.run('whoAmI', { op: 'whoAmI' });
    await rec.run('reconfig-error', {
      op: 'reconfig',
      joiningServers: null,
      leavingServers: null,
      newMembers: null,
      curConfigId: -1n,
    });
    await rec.run('ping', { op: 'ping' }, Xid.ping);
    await rec.run('delete', { op: 'delete', path: `${P}/ttl`, version: -1 });
    await rec.run('delete-badVersion', { op: 'delete', path: `${P}/m2`, version: 42 });
    await rec.run('delete-notEmpty', { op: 'delete', path: P, version: -1 });
    await rec.run('delete-noNode', { op: 'delete', path: `${P}/missing`, version: -1 });
  } finally {
    await deleteTree(rec, P).catch((e: unknown) => console.error('cleanup failed', e));
  }
  await rec.run('closeSession', { op: 'closeSession' });
  const closedByServer = await conn.waitClosed();
  conn.close();
  save('session.json', {
    description: `one session through every operation; server closed after closeSession: ${closedByServer}`,
    server: `ZooKeeper at ${TARGET}`,
    capturedAt: new Date().toISOString(),
    prefix,
    connect: { request: connect.request, requestHex: connect.requestHex, responseHex: connect.responseHex },
    steps: rec.steps,
  });
}

async function expiredHandshake(prefix: string): Promise<void> {
  const conn = await RawConnection.open(TARGET);
  const hs = await handshake(conn, 0x7eadbeefcafe0001n, randomBytes(16));
  const closed = await conn.waitClosed();
  conn.close();
  save('connect-expired.json', {
    description: `handshake with an unknown session id: expired reply; server closed: ${closed}`,
    server: `ZooKeeper at ${TARGET}`,
    capturedAt: new Date().toISOString(),
    prefix,
    connect: { request: hs.request, requestHex: hs.requestHex, responseHex: hs.responseHex },
    steps: [],
  });
}

async function authFailed(prefix: string): Promise<void> {
  const conn = await RawConnection.open(TARGET);
  const hs = await handshake(conn);
  const rec = new Recorder(conn);
  const frame = encodeRequest(Xid.auth, { op: 'auth', type: 0, scheme: 'nosuchscheme', auth: data('x') });
  conn.send(frame);
  const reply = await conn.next();
  rec.steps.push({
    name: 'auth-failed',
    xid: Xid.auth,
    request: { op: 'auth', type: 0, scheme: 'nosuchscheme', auth: data('x') },
    requestHex: frame.toString('hex'),
    replyHex: frameHex(reply),
    err: reply.readInt32BE(12),
    notificationsHex: [],
  });
  const closed = await conn.waitClosed();
  conn.close();
  save('auth-failed.json', {
    description: `auth with an unknown scheme; server closed: ${closed}`,
    server: `ZooKeeper at ${TARGET}`,
    capturedAt: new Date().toISOString(),
    prefix,
    connect: { request: hs.request, requestHex: hs.requestHex, responseHex: hs.responseHex },
    steps: rec.steps,
  });
}

/** Deletes `prefix` and everything under it on a fresh session. */
async function cleanup(prefix: string): Promise<void> {
  const conn = await RawConnection.open(TARGET);
  await handshake(conn);
  const rec = new Recorder(conn);
  const { err } = await rec.run(null, { op: 'exists', path: prefix, watch: false });
  if (err === 0) await deleteTree(rec, prefix);
  await rec.run(null, { op: 'closeSession' });
  conn.close();
}

if (process.argv[2] === '--cleanup') {
  for (const p of process.argv.slice(3)) await cleanup(p);
} else {
  const prefix = `/fixtures-${randomBytes(4).toString('hex')}`;
  try {
    await mainSession(prefix);
    await expiredHandshake(prefix);
    await authFailed(prefix);
  } finally {
    await cleanup(prefix);
  }
}
