import type { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { Xid } from './op-codes.js';

/**
 * `WatcherEvent{int type; int state; ustring path}`: the body of a notification (xid -1).
 * `type` is a {@link WatcherEventType} value, `state` a {@link KeeperState} value; unknown
 * values are passed through unchanged, never rejected.
 *
 * @example
 * ```ts
 * const e: WatcherEvent = { type: WatcherEventType.nodeDeleted, state: KeeperState.syncConnected, path: '/a' };
 * ```
 */
export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

/**
 * Decodes the WatcherEvent that follows a ReplyHeader with xid -1.
 *
 * @example
 * ```ts
 * const header = decodeReplyHeader(r);
 * if (header.xid === Xid.notification) dispatch(decodeWatcherEvent(r));
 * ```
 */
export function decodeWatcherEvent(r: JuteReader): WatcherEvent {
  const type = r.readInt();
  const state = r.readInt();
  const path = r.readString() ?? '';
  return { type, state, path };
}

/**
 * Encodes a WatcherEvent record (no frame, no header). For tests.
 *
 * @example
 * ```ts
 * const bytes = encodeWatcherEvent({ type: 3, state: 3, path: '/a' });
 * ```
 */
export function encodeWatcherEvent(e: WatcherEvent): Buffer {
  return writeWatcherEvent(new JuteWriter(32), e).toBuffer();
}

/**
 * Encodes a complete framed notification: ReplyHeader{xid -1, zxid, err 0} + WatcherEvent.
 * `zxid` is -1 up to ZooKeeper 3.8 and the triggering zxid since 3.9. For fake servers.
 *
 * @example
 * ```ts
 * socket.write(encodeNotification({ type: 2, state: 3, path: '/a' }));
 * ```
 */
export function encodeNotification(e: WatcherEvent, zxid = -1n): Buffer {
  const w = new JuteWriter(48).beginFrame().writeInt(Xid.notification).writeLong(zxid).writeInt(0);
  return writeWatcherEvent(w, e).finishFrame();
}

function writeWatcherEvent(w: JuteWriter, e: WatcherEvent): JuteWriter {
  return w.writeInt(e.type).writeInt(e.state).writeString(e.path);
}
