// Public surface of the pure ZooKeeper codec (no I/O). See docs/design/protocol-api.md.
export {
  type ConnectRequest,
  type ConnectResponse,
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from './connect.js';
export {
  type Acl,
  type ClientInfo,
  type Id,
  readAcl,
  readClientInfo,
  readStat,
  type Stat,
  writeAcl,
  writeClientInfo,
  writeStat,
} from './data-records.js';
export {
  AddWatchMode,
  type AddWatchModeValue,
  CreateFlags,
  type CreateFlagsValue,
  KeeperState,
  type KeeperStateValue,
  Perms,
  WatcherEventType,
  type WatcherEventTypeValue,
  WatcherType,
  type WatcherTypeValue,
} from './enums.js';
export {
  ERROR_CODES,
  ErrorCode,
  type ErrorCodeInfo,
  type ErrorCodeKey,
  type ErrorCodeValue,
  errorCodeInfo,
} from './error-codes.js';
export { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
export { JuteReader } from './jute-reader.js';
export { JuteWriter } from './jute-writer.js';
export type { MultiResult } from './multi.js';
export { OpCode, type OpCodeName, type OpCodeValue, Xid, type XidValue } from './op-codes.js';
export { ProtocolError } from './protocol-error.js';
export { opCodeOf, REQUEST_OP_CODES, requestOpForCode } from './request-body.js';
export type { MultiOp, MultiReadOp, Request, RequestOp } from './request-types.js';
export { decodeRequest, encodeRequest, STANDALONE_CHECK_REFUSED } from './requests.js';
export {
  decodeReplyHeader,
  decodeResponse,
  encodeReply,
  type ReplyHeader,
  type Response,
} from './responses.js';
export {
  decodeWatcherEvent,
  encodeNotification,
  encodeWatcherEvent,
  type WatcherEvent,
} from './watcher-event.js';
