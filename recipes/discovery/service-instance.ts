import { RecipeError } from '../internal/errors.js';

/**
 * How an instance node is kept, as in Curator's `ServiceType`. This SDK registers `DYNAMIC`
 * instances (ephemeral nodes kept alive across sessions); the other values are read as they are
 * so instances registered by Curator are listed too.
 *
 * @example
 * ```ts
 * const dynamic: ServiceType = 'DYNAMIC';
 * ```
 */
export type ServiceType = 'DYNAMIC' | 'DYNAMIC_SEQUENTIAL' | 'STATIC' | 'PERMANENT';

/**
 * One registered instance of a service: the fields of Curator x-discovery's `ServiceInstance`.
 *
 * JSON differences from Curator's `JsonInstanceSerializer`:
 * - `uriSpec` is exposed as a template string (`'{scheme}://{address}:{port}'`); on the wire it
 *   is Curator's `{ "parts": [{ "value", "variable" }] }` form, so both sides read each other.
 * - Curator writes the payload with Jackson type information (`"@class"` inside an object
 *   payload). We write plain JSON unless `javaPayloadClass` is given at registration, and on read
 *   we remove `"@class"` from an object payload and report it as `javaPayloadClass`. Scalar or
 *   array payloads written by Java with type information (`["java.lang.String", "x"]`) are kept
 *   as the raw array.
 * - Fields we do not know are ignored on read, as Curator does by default.
 *
 * @example
 * ```ts
 * const i: ServiceInstance<{ weight: number }> = provider.getInstance()!;
 * console.log(`${i.address}:${i.port}`, i.payload?.weight);
 * ```
 */
export interface ServiceInstance<P = unknown> {
  /** The service name (the parent node's name). */
  readonly name: string;
  /** The instance id (the node's name). */
  readonly id: string;
  /** Host name or IP address, or `null`. */
  readonly address: string | null;
  /** Plain port, or `null`. */
  readonly port: number | null;
  /** TLS port, or `null`. */
  readonly sslPort: number | null;
  /** User data (JSON), or `null`. */
  readonly payload: P | null;
  /** When it was registered, ms since the epoch (UTC). */
  readonly registrationTimeUTC: number;
  /** How the node is kept (see {@link ServiceType}). */
  readonly serviceType: ServiceType;
  /** A URI template such as `'{scheme}://{address}:{port}/api'`, or `null`. */
  readonly uriSpec: string | null;
  /** False when the instance was disabled (providers skip it). */
  readonly enabled: boolean;
  /** The Java class named by `"@class"` in the payload, when a Java writer added one. */
  readonly javaPayloadClass: string | null;
}

/**
 * The data of an instance node could not be read as a `ServiceInstance`.
 *
 * @example
 * ```ts
 * try { decodeServiceInstance(bytes); } catch (err) { if (err instanceof InvalidServiceInstanceError) skip(); }
 * ```
 */
export class InvalidServiceInstanceError extends RecipeError {}

const SERVICE_TYPES: ReadonlySet<string> = new Set(['DYNAMIC', 'DYNAMIC_SEQUENTIAL', 'STATIC', 'PERMANENT']);

interface UriPart {
  value: string;
  variable: boolean;
}

/**
 * Curator's `UriSpec` parts for a template string (`{name}` is a variable; `{[}` and `{]}` are
 * literal braces, as in Curator).
 *
 * @example
 * ```ts
 * uriSpecToParts('{scheme}://{address}:{port}');
 * ```
 */
export function uriSpecToParts(spec: string): UriPart[] {
  const parts: UriPart[] = [];
  const re = /\{([^{}]*)\}|([^{}]+)/gy;
  let end = 0;
  while (end < spec.length) {
    const m = re.exec(spec);
    if (m === null) break;
    if (m[1] !== undefined) parts.push({ value: m[1].trim(), variable: true });
    else if (m[2] !== undefined) parts.push({ value: m[2], variable: false });
    end = re.lastIndex;
  }
  if (end !== spec.length) throw new InvalidServiceInstanceError(`malformed uriSpec ${JSON.stringify(spec)}`);
  return parts;
}

function partsToUriSpec(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  const parts = (value as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) throw new InvalidServiceInstanceError('uriSpec.parts is not an array');
  return parts
    .map((p: unknown) => {
      const part = p as Partial<UriPart>;
      const v = typeof part.value === 'string' ? part.value : '';
      return part.variable === true ? `{${v}}` : v;
    })
    .join('');
}

/**
 * Builds a URI from an instance's `uriSpec` as Curator's `UriSpec.build` does: `scheme` is
 * `https` when `sslPort` is set (else `http`), plus `name`, `id`, `address`, `port`, `ssl-port`,
 * `registration-time-utc`, `service-type`; `variables` override them. Unknown variables become ''.
 *
 * @example
 * ```ts
 * buildUri(instance); // 'http://10.0.0.7:8080/api'
 * ```
 */
export function buildUri(instance: ServiceInstance, variables: Record<string, string | number> = {}): string {
  if (instance.uriSpec === null) return '';
  const vars: Record<string, string | number> = {
    '[': '{',
    ']': '}',
    scheme: instance.sslPort !== null ? 'https' : 'http',
    name: instance.name,
    id: instance.id,
    address: instance.address ?? '',
    port: instance.port ?? '',
    'ssl-port': instance.sslPort ?? '',
    'registration-time-utc': instance.registrationTimeUTC,
    'service-type': instance.serviceType.toLowerCase(),
    ...variables,
  };
  return uriSpecToParts(instance.uriSpec)
    .map((p) => (p.variable ? String(vars[p.value] ?? '') : p.value))
    .join('');
}

/**
 * The node data for an instance: Curator-compatible JSON (see {@link ServiceInstance}).
 *
 * @example
 * ```ts
 * await client.setData(path, encodeServiceInstance(instance));
 * ```
 */
export function encodeServiceInstance(instance: ServiceInstance): Buffer {
  let payload: unknown = instance.payload;
  if (instance.javaPayloadClass !== null && isPlainObject(payload)) {
    payload = { '@class': instance.javaPayloadClass, ...payload };
  }
  const json = {
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port,
    sslPort: instance.sslPort,
    payload,
    registrationTimeUTC: instance.registrationTimeUTC,
    serviceType: instance.serviceType,
    uriSpec: instance.uriSpec === null ? null : { parts: uriSpecToParts(instance.uriSpec) },
    enabled: instance.enabled,
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

/**
 * Reads an instance node's data (ours or Curator's). Throws {@link InvalidServiceInstanceError}
 * when it is not a JSON object with string `name` and `id`.
 *
 * @example
 * ```ts
 * const { data } = await client.getData('/services/api/1');
 * const instance = decodeServiceInstance<{ zone: string }>(data);
 * ```
 */
export function decodeServiceInstance<P = unknown>(data: Uint8Array): ServiceInstance<P> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch (err) {
    throw new InvalidServiceInstanceError('instance data is not JSON', { cause: err });
  }
  if (!isPlainObject(raw)) throw new InvalidServiceInstanceError('instance data is not a JSON object');
  const { name, id } = raw;
  if (typeof name !== 'string' || typeof id !== 'string') {
    throw new InvalidServiceInstanceError('instance data has no string name and id');
  }
  let payload: unknown = raw.payload ?? null;
  let javaPayloadClass: string | null = null;
  if (isPlainObject(payload) && typeof payload['@class'] === 'string') {
    const { '@class': cls, ...rest } = payload;
    javaPayloadClass = cls as string;
    payload = rest;
  }
  const type =
    typeof raw.serviceType === 'string' && SERVICE_TYPES.has(raw.serviceType) ? raw.serviceType : 'DYNAMIC';
  return {
    name,
    id,
    address: typeof raw.address === 'string' ? raw.address : null,
    port: typeof raw.port === 'number' ? raw.port : null,
    sslPort: typeof raw.sslPort === 'number' ? raw.sslPort : null,
    payload: payload as P | null,
    registrationTimeUTC: typeof raw.registrationTimeUTC === 'number' ? raw.registrationTimeUTC : 0,
    serviceType: type as ServiceType,
    uriSpec: partsToUriSpec(raw.uriSpec),
    enabled: raw.enabled !== false,
    javaPayloadClass,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
