/**
 * Output helpers of the CLI: aligned tables, durations, session ids, node data and JSON that
 * can hold bigints.
 *
 * @module
 */

/**
 * Renders rows as an aligned text table with a header line.
 *
 * @example
 * ```ts
 * table(['role', 'id'], [['holder', 'web-1']]);
 * // 'ROLE    ID\nholder  web-1'
 * ```
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * A short human duration: `850ms`, `12.3s`, `4m05s`, `2h03m`, `3d04h`.
 *
 * @example
 * ```ts
 * formatDuration(65_000); // '1m05s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)}ms`;
  if (abs < 60_000) return `${(abs / 1_000).toFixed(1)}s`;
  const s = Math.floor(abs / 1_000);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3_600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${two(Math.floor(s / 3_600) % 24)}h`;
}

/**
 * A session id as ZooKeeper prints it (`0x…`).
 *
 * @example
 * ```ts
 * sessionHex(72057594037927936n); // '0x100000000000000'
 * ```
 */
export function sessionHex(id: bigint): string {
  return `0x${id.toString(16)}`;
}

/**
 * Node data for display: UTF-8 text when it is valid printable text, else `base64:<…>`.
 *
 * @example
 * ```ts
 * displayData(Buffer.from('hello')); // 'hello'
 * displayData(Buffer.from([0, 1, 2])); // 'base64:AAEC'
 * ```
 */
export function displayData(data: Uint8Array): string {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text = buf.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting binary data
  const binary = text.includes('\uFFFD') || /[\u0000-\u0008\u000E-\u001F]/.test(text);
  return binary ? `base64:${buf.toString('base64')}` : text;
}

/**
 * JSON with bigints as decimal strings and Buffers as UTF-8 (or base64) strings.
 *
 * @example
 * ```ts
 * toJson({ czxid: 5n }); // '{\n  "czxid": "5"\n}'
 * ```
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (
        v &&
        typeof v === 'object' &&
        (v as { type?: unknown }).type === 'Buffer' &&
        Array.isArray((v as { data?: unknown }).data)
      ) {
        return displayData(Buffer.from((v as { data: number[] }).data));
      }
      return v;
    },
    2,
  );
}
