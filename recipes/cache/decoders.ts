import { DecodeError } from './decode-error.js';

/**
 * Turns a node's raw bytes into a typed value. Throwing means "not a valid value"; the stream
 * reports it as a {@link DecodeError} naming the path. A zod schema's `parse` composed with
 * {@link json} fits: `(bytes) => Schema.parse(json(bytes))`.
 *
 * @example
 * ```ts
 * const port: Decoder<number> = (bytes) => Number.parseInt(utf8(bytes), 10);
 * ```
 */
export type Decoder<T> = (data: Buffer, path: string) => T;

/**
 * Raw bytes, unchanged (the default decoder).
 *
 * @example
 * ```ts
 * watchData(client, '/blob', { decode: raw });
 * ```
 */
export const raw: Decoder<Buffer> = (data) => data;

/**
 * UTF-8 text. Invalid UTF-8 sequences are an error rather than silently replaced with U+FFFD.
 *
 * @example
 * ```ts
 * watchData(client, '/motd', { decode: utf8 });
 * ```
 */
export const utf8: Decoder<string> = (data) => strictUtf8.decode(data);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON parsed from UTF-8 text. An empty node decodes to `null`. Pass a type argument through
 * {@link jsonAs} to get a typed (but unchecked) value, or compose with a schema for a checked one.
 *
 * @example
 * ```ts
 * watchData(client, '/app/config', { decode: json });
 * ```
 */
export const json: Decoder<unknown> = (data) => (data.length === 0 ? null : JSON.parse(utf8(data, '')));

/**
 * JSON decoder with a static type and an optional runtime check (e.g. a zod schema's `parse`).
 *
 * @example
 * ```ts
 * interface Limits { maxConnections: number }
 * const decode = jsonAs<Limits>((v) => LimitsSchema.parse(v));
 * watchData(client, '/app/limits', { decode });
 * ```
 */
export function jsonAs<T>(check?: (value: unknown) => T): Decoder<T> {
  return (data, path) => {
    const value = json(data, path);
    return check ? check(value) : (value as T);
  };
}

/**
 * Runs a decoder and wraps anything it throws in a {@link DecodeError} naming `path`.
 *
 * @example
 * ```ts
 * const value = decodeOrThrow(json, '/app/config', bytes);
 * ```
 */
export function decodeOrThrow<T>(decode: Decoder<T>, path: string, data: Buffer): T {
  try {
    return decode(data, path);
  } catch (err) {
    throw err instanceof DecodeError ? err : new DecodeError(path, err);
  }
}
