import type { JuteReader } from './jute-reader.js';
import type { JuteWriter } from './jute-writer.js';
import { ProtocolError } from './protocol-error.js';

/**
 * `Stat`: the metadata of a znode. zxids and the session id are `bigint`; times are epoch ms.
 *
 * Jute: `long czxid, mzxid, ctime, mtime; int version, cversion, aversion; long ephemeralOwner;
 * int dataLength, numChildren; long pzxid`.
 *
 * @example
 * ```ts
 * const isEphemeral = (s: Stat) => s.ephemeralOwner !== 0n;
 * ```
 */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

/**
 * `Id{ustring scheme; ustring id}`: an ACL identity such as `world:anyone` or `digest:user:hash`.
 *
 * @example
 * ```ts
 * const anyone: Id = { scheme: 'world', id: 'anyone' };
 * ```
 */
export interface Id {
  scheme: string;
  id: string;
}

/**
 * `ACL{int perms; Id id}`.
 *
 * @example
 * ```ts
 * const open: Acl = { perms: Perms.all, id: { scheme: 'world', id: 'anyone' } };
 * ```
 */
export interface Acl {
  perms: number;
  id: Id;
}

/**
 * `ClientInfo{ustring authScheme; ustring user}` as returned by whoAmI (3.7+).
 *
 * @example
 * ```ts
 * const me: ClientInfo = { authScheme: 'ip', user: '127.0.0.1' };
 * ```
 */
export interface ClientInfo {
  authScheme: string;
  user: string;
}

/**
 * Reads a {@link Stat}. Times are read as `long` and converted to numbers (exact up to 2^53 ms).
 *
 * @example
 * ```ts
 * const stat = readStat(reader);
 * ```
 */
export function readStat(r: JuteReader): Stat {
  return {
    czxid: r.readLong(),
    mzxid: r.readLong(),
    ctime: r.readLongAsNumber(),
    mtime: r.readLongAsNumber(),
    version: r.readInt(),
    cversion: r.readInt(),
    aversion: r.readInt(),
    ephemeralOwner: r.readLong(),
    dataLength: r.readInt(),
    numChildren: r.readInt(),
    pzxid: r.readLong(),
  };
}

/**
 * Writes a {@link Stat}.
 *
 * @example
 * ```ts
 * writeStat(writer, stat);
 * ```
 */
export function writeStat(w: JuteWriter, s: Stat): void {
  w.writeLong(s.czxid)
    .writeLong(s.mzxid)
    .writeLong(toLong(s.ctime, 'ctime'))
    .writeLong(toLong(s.mtime, 'mtime'))
    .writeInt(s.version)
    .writeInt(s.cversion)
    .writeInt(s.aversion)
    .writeLong(s.ephemeralOwner)
    .writeInt(s.dataLength)
    .writeInt(s.numChildren)
    .writeLong(s.pzxid);
}

function toLong(ms: number, field: string): bigint {
  if (!Number.isSafeInteger(ms)) throw new ProtocolError(`Stat.${field} must be a safe integer, got ${ms}`);
  return BigInt(ms);
}

/**
 * Reads an {@link Acl}.
 *
 * @example
 * ```ts
 * const acls = reader.readVector(readAcl) ?? [];
 * ```
 */
export function readAcl(r: JuteReader): Acl {
  const perms = r.readInt();
  const scheme = r.readRequiredString('ACL scheme');
  const id = r.readRequiredString('ACL id');
  return { perms, id: { scheme, id } };
}

/**
 * Writes an {@link Acl}.
 *
 * @example
 * ```ts
 * writer.writeVector(acls, writeAcl);
 * ```
 */
export function writeAcl(w: JuteWriter, a: Acl): void {
  w.writeInt(a.perms).writeString(a.id.scheme).writeString(a.id.id);
}

/**
 * Reads a {@link ClientInfo} (null fields become '').
 *
 * @example
 * ```ts
 * const infos = reader.readVector(readClientInfo) ?? [];
 * ```
 */
export function readClientInfo(r: JuteReader): ClientInfo {
  const authScheme = r.readString() ?? '';
  const user = r.readString() ?? '';
  return { authScheme, user };
}

/**
 * Writes a {@link ClientInfo}.
 *
 * @example
 * ```ts
 * writer.writeVector(infos, writeClientInfo);
 * ```
 */
export function writeClientInfo(w: JuteWriter, c: ClientInfo): void {
  w.writeString(c.authScheme).writeString(c.user);
}

/** Writes a `vector<ustring>`. @example `w.writeVector(paths, writeStringItem)` */
export function writeStringItem(w: JuteWriter, s: string): void {
  w.writeString(s);
}
