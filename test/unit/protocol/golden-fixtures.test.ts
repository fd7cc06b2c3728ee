import { describe, expect, it } from 'vitest';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReplyHeader,
  decodeRequest,
  decodeResponse,
  decodeWatcherEvent,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  encodeRequest,
  ErrorCode,
  JuteReader,
  KeeperState,
  type MultiResult,
  type Request,
  type Response,
  WatcherEventType,
  Xid,
} from '../../../src/protocol/index.js';
import { bodyOf, type FixtureStep, loadFixture, stepOf } from './fixtures.js';

const session = loadFixture('session');
const P = session.prefix;

interface Decoded {
  header: { xid: number; zxid: bigint; err: number };
  res: Response | undefined;
  trailing: Buffer;
}

function decodeStep(step: FixtureStep): Decoded {
  const body = bodyOf(step.replyHex);
  const r = new JuteReader(body);
  const header = decodeReplyHeader(r);
  const res = header.err === 0 ? decodeResponse((step.request as Request).op, r) : undefined;
  return { header, res, trailing: body.subarray(r.offset) };
}

type ResponseOf<T extends Response['op'], R = Response> = R extends { op: infer O }
  ? T extends O
    ? R
    : never
  : never;

function resOf<T extends Response['op']>(name: string, op: T): ResponseOf<T> {
  const { res } = decodeStep(stepOf(session, name));
  expect(res?.op).toBe(op);
  return res as ResponseOf<T>;
}

function resultsOf(name: string): MultiResult[] {
  const res = decodeStep(stepOf(session, name)).res;
  if (res?.op !== 'multi' && res?.op !== 'multiRead') throw new Error(`${name} is not a multi reply`);
  return res.results;
}

describe('golden bytes captured from ZooKeeper 3.8', () => {
  it('covers every operation the codec supports (except standalone check, which is refused)', () => {
    const ops = new Set(session.steps.map((s) => (s.request as Request).op));
    for (const op of [
      'create',
      'create2',
      'createContainer',
      'createTTL',
      'delete',
      'exists',
      'getData',
      'setData',
      'getACL',
      'setACL',
      'getChildren',
      'getChildren2',
      'sync',
      'multi',
      'multiRead',
      'reconfig',
      'checkWatches',
      'removeWatches',
      'addWatch',
      'setWatches',
      'setWatches2',
      'getEphemerals',
      'getAllChildrenNumber',
      'whoAmI',
      'auth',
      'ping',
      'closeSession',
    ]) {
      expect(ops, op).toContain(op);
    }
  });

  describe('handshake', () => {
    it('re-encodes the ConnectRequest byte for byte, readOnly byte included', () => {
      const expected = Buffer.from(session.connect.requestHex, 'hex');
      const req = session.connect.request as Parameters<typeof encodeConnectRequest>[0];
      expect(encodeConnectRequest(req).toString('hex')).toBe(session.connect.requestHex);
      expect(decodeConnectRequest(expected.subarray(4))).toEqual(req);
    });

    it('decodes the ConnectResponse (with the readOnly byte) and re-encodes it', () => {
      const res = decodeConnectResponse(bodyOf(session.connect.responseHex));
      expect(res.protocolVersion).toBe(0);
      expect(res.timeOut).toBe(10_000);
      expect(res.sessionId).not.toBe(0n);
      expect(res.passwd).toHaveLength(16);
      expect(res.readOnly).toBe(false);
      expect(encodeConnectResponse(res).toString('hex')).toBe(session.connect.responseHex);
    });

    it('decodes the reply to an unknown session as expired (timeOut 0, sessionId 0)', () => {
      const expired = loadFixture('connect-expired');
      const res = decodeConnectResponse(bodyOf(expired.connect.responseHex));
      expect(res.timeOut).toBeLessThanOrEqual(0);
      expect(res.sessionId).toBe(0n);
    });

    it('decodes a ConnectResponse without the trailing readOnly byte as readOnly=false', () => {
      const body = bodyOf(session.connect.responseHex);
      const res = decodeConnectResponse(body.subarray(0, body.length - 1));
      expect(res.readOnly).toBe(false);
      expect(res.passwd).toHaveLength(16);
    });
  });

  describe.each(session.steps.map((s) => [s.name, s] as const))('%s', (_name, step) => {
    it('re-encodes the request byte for byte and decodes it back', () => {
      const req = step.request as Request;
      expect(encodeRequest(step.xid, req).toString('hex')).toBe(step.requestHex);
      expect(decodeRequest(bodyOf(step.requestHex))).toEqual({ xid: step.xid, req });
    });

    it('decodes the reply (matching xid) and re-encodes it byte for byte', () => {
      const { header, res, trailing } = decodeStep(step);
      expect(header.xid).toBe(step.xid);
      expect(header.err).toBe(step.err);
      if (header.err !== 0) expect(trailing).toHaveLength(0); // error replies are header-only
      if ((step.request as Request).op === 'addWatch') {
        // the server appends ErrorResponse{err: 0}; decodeResponse ignores it
        expect(trailing.toString('hex')).toBe('00000000');
        return;
      }
      expect(trailing).toHaveLength(0);
      expect(encodeReply(header, res).toString('hex')).toBe(step.replyHex);
    });

    it('decodes every notification and re-encodes it byte for byte', () => {
      for (const hex of step.notificationsHex) {
        const r = new JuteReader(bodyOf(hex));
        const header = decodeReplyHeader(r);
        expect(header.xid).toBe(Xid.notification);
        expect(header.zxid).toBe(-1n); // 3.8 servers; 3.9 sends the triggering zxid
        const event = decodeWatcherEvent(r);
        expect(event.state).toBe(KeeperState.syncConnected);
        expect(r.remaining).toBe(0);
        expect(encodeNotification(event, header.zxid).toString('hex')).toBe(hex);
      }
    });
  });

  describe('reply contents', () => {
    it('create returns the path; create2 / container / TTL return path and stat', () => {
      expect(resOf('create', 'create').path).toBe(P);
      const c2 = resOf('create2', 'create2');
      expect(c2.path).toBe(`${P}/c2`);
      expect(c2.stat.dataLength).toBe(5);
      expect(c2.stat.czxid).toBe(c2.stat.mzxid);
      expect(c2.stat.czxid).toBeGreaterThan(0n);
      expect(resOf('createContainer', 'createContainer').path).toBe(`${P}/container`);
      const ttl = resOf('createTTL', 'createTTL');
      expect(ttl.path).toBe(`${P}/ttl`);
      expect(ttl.stat.ephemeralOwner).toBe(0n);
      expect(resOf('create-ephemeralSequential', 'create').path).toMatch(new RegExp(`^${P}/eph-\\d{10}$`));
    });

    it('maps error codes of header-only replies', () => {
      expect(stepOf(session, 'create-nodeExists').err).toBe(ErrorCode.nodeExists);
      expect(stepOf(session, 'exists-noNode').err).toBe(ErrorCode.noNode);
      expect(stepOf(session, 'setData-badVersion').err).toBe(ErrorCode.badVersion);
      expect(stepOf(session, 'checkWatches-noWatcher').err).toBe(ErrorCode.noWatcher);
      expect(stepOf(session, 'reconfig-error').err).toBe(ErrorCode.reconfigDisabled);
      expect(stepOf(session, 'delete-notEmpty').err).toBe(ErrorCode.notEmpty);
      expect(loadFixture('auth-failed').steps[0]?.err).toBe(ErrorCode.authFailed);
    });

    it('getData / setData / exists carry data and stat (UTF-8 data intact)', () => {
      const get = resOf('getData', 'getData');
      expect(get.data.toString()).toBe('hello');
      const set = resOf('setData', 'setData');
      expect(set.stat.version).toBe(1);
      expect(set.stat.dataLength).toBe(Buffer.byteLength('world ✓'));
      expect(set.stat.mtime).toBeGreaterThanOrEqual(get.stat.mtime);
      expect(resOf('exists', 'exists').stat.version).toBe(0);
    });

    it('getACL returns the ACL vector; digest ids come back as sent', () => {
      expect(resOf('getACL', 'getACL').acl).toEqual([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
      const after = resOf('getACL-after-setACL', 'getACL');
      expect(after.acl.map((a) => a.id.scheme)).toEqual(['digest', 'world']);
      expect(after.stat.aversion).toBe(1);
      expect(resOf('setACL', 'setACL').stat.aversion).toBe(1);
    });

    it('getChildren / getChildren2 / getEphemerals / getAllChildrenNumber', () => {
      expect(resOf('getChildren', 'getChildren').children.sort()).toEqual(['c2', 'container', 'ttl']);
      const c2 = resOf('getChildren2', 'getChildren2');
      expect(c2.children).toHaveLength(5);
      expect(c2.stat.numChildren).toBe(5);
      expect(resOf('getEphemerals', 'getEphemerals').ephemerals).toEqual([
        expect.stringMatching(new RegExp(`^${P}/eph-`)),
      ]);
      expect(resOf('getAllChildrenNumber', 'getAllChildrenNumber').totalNumber).toBeGreaterThan(5);
      expect(resOf('sync', 'sync').path).toBe(P);
    });

    it('multi success: create2 comes back as create (3.8), container/TTL as create2 with a stat', () => {
      const results = resultsOf('multi');
      expect(results.map((r) => r.type)).toEqual([
        'create',
        'create',
        'create2',
        'create2',
        'setData',
        'check',
        'delete',
      ]);
      const container = results[2];
      expect(container?.type === 'create2' && container.path).toBe(`${P}/m3`);
      const set = results[4];
      expect(set?.type === 'setData' && set.stat.version).toBe(1);
    });

    it('multi failure: every result is an error, 0 before, the code at, -2 after the failing op', () => {
      const { header } = decodeStep(stepOf(session, 'multi-failure'));
      expect(header.err).toBe(0);
      expect(resultsOf('multi-failure')).toEqual([
        { type: 'error', err: 0 },
        { type: 'error', err: ErrorCode.badVersion },
        { type: 'error', err: ErrorCode.runtimeInconsistency },
      ]);
    });

    it('multiRead reports per-op errors without failing the others', () => {
      const results = resultsOf('multiRead');
      expect(results.map((r) => r.type)).toEqual(['getData', 'getChildren', 'error', 'error']);
      const data = results[0];
      expect(data?.type === 'getData' && data.data.toString()).toBe('m2');
      const children = results[1];
      expect(children?.type === 'getChildren' && children.children).toEqual(['child']);
      expect(results.slice(2)).toEqual([
        { type: 'error', err: ErrorCode.noNode },
        { type: 'error', err: ErrorCode.noNode },
      ]);
    });

    it('notifications: data changed, children changed, deleted, and missed events after setWatches', () => {
      const events = (name: string) =>
        stepOf(session, name).notificationsHex.map((hex) => {
          const r = new JuteReader(bodyOf(hex));
          decodeReplyHeader(r);
          return decodeWatcherEvent(r);
        });
      expect(events('setData')).toEqual([
        { type: WatcherEventType.nodeDataChanged, state: KeeperState.syncConnected, path: `${P}/c2` },
      ]);
      expect(events('create-ephemeralSequential')).toEqual([
        { type: WatcherEventType.nodeChildrenChanged, state: KeeperState.syncConnected, path: P },
      ]);
      expect(events('setData-persistent-watch-fires').map((e) => e.type)).toEqual([
        WatcherEventType.nodeDataChanged,
      ]);
      expect(events('setWatches').map((e) => [e.type, e.path])).toEqual([
        [WatcherEventType.nodeDataChanged, `${P}/m2`],
        [WatcherEventType.nodeCreated, `${P}/appeared`],
        [WatcherEventType.nodeChildrenChanged, P],
      ]);
      expect(events('delete').map((e) => [e.type, e.path])).toEqual([
        [WatcherEventType.nodeDeleted, `${P}/ttl`],
      ]);
    });

    it('special xids: auth -4 (zxid 0), setWatches -8, ping -2', () => {
      expect(decodeStep(stepOf(session, 'auth')).header).toEqual({ xid: Xid.auth, zxid: 0n, err: 0 });
      expect(decodeStep(stepOf(session, 'setWatches')).header.xid).toBe(Xid.setWatches);
      expect(decodeStep(stepOf(session, 'setWatches2')).header.xid).toBe(Xid.setWatches);
      expect(decodeStep(stepOf(session, 'ping')).header.xid).toBe(Xid.ping);
    });

    it('whoAmI lists the digest identity added by auth and the ip identity', () => {
      expect(resOf('whoAmI', 'whoAmI').clientInfo).toEqual([
        { authScheme: 'digest', user: 'fixture' },
        { authScheme: 'ip', user: '127.0.0.1' },
      ]);
    });
  });
});
