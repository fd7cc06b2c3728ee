import { describe, expect, it } from 'vitest';
import {
  buildUri,
  decodeServiceInstance,
  encodeServiceInstance,
  InvalidServiceInstanceError,
  type ServiceInstance,
} from '../../../recipes/discovery/service-instance.js';

// As written by Curator 5's JsonInstanceSerializer with a Map payload.
const CURATOR_JSON =
  '{"name":"test","id":"3f1c","address":"10.0.0.1","port":1234,"sslPort":null,' +
  '"payload":{"@class":"java.util.LinkedHashMap","zone":"eu"},"registrationTimeUTC":1325129459728,' +
  '"serviceType":"DYNAMIC","uriSpec":{"parts":[{"value":"scheme","variable":true},' +
  '{"value":"://foo.com:","variable":false},{"value":"port","variable":true}]},"enabled":true}';

describe('ServiceInstance JSON', () => {
  it('reads Curator JSON', () => {
    const i = decodeServiceInstance<{ zone: string }>(Buffer.from(CURATOR_JSON));
    expect(i).toMatchObject({
      name: 'test',
      id: '3f1c',
      address: '10.0.0.1',
      port: 1234,
      sslPort: null,
      payload: { zone: 'eu' },
      javaPayloadClass: 'java.util.LinkedHashMap',
      uriSpec: '{scheme}://foo.com:{port}',
      enabled: true,
      serviceType: 'DYNAMIC',
    });
    expect(buildUri(i)).toBe('http://foo.com:1234');
  });

  it('round-trips and writes Curator field names and uriSpec parts', () => {
    const i: ServiceInstance = {
      name: 'api',
      id: 'x1',
      address: 'h',
      port: 80,
      sslPort: 443,
      payload: { weight: 2 },
      registrationTimeUTC: 5,
      serviceType: 'DYNAMIC',
      uriSpec: '{scheme}://{address}:{ssl-port}/{[}x{]}',
      enabled: true,
      javaPayloadClass: 'com.example.Details',
    };
    const bytes = encodeServiceInstance(i);
    const raw = JSON.parse(bytes.toString());
    expect(Object.keys(raw)).toEqual([
      'name',
      'id',
      'address',
      'port',
      'sslPort',
      'payload',
      'registrationTimeUTC',
      'serviceType',
      'uriSpec',
      'enabled',
    ]);
    expect(raw.payload['@class']).toBe('com.example.Details');
    expect(raw.uriSpec.parts[0]).toEqual({ value: 'scheme', variable: true });
    expect(decodeServiceInstance(bytes)).toEqual(i);
    expect(buildUri(i)).toBe('https://h:443/{x}');
  });

  it('rejects data that is not an instance with a typed error', () => {
    expect(() => decodeServiceInstance(Buffer.from('nope'))).toThrow(InvalidServiceInstanceError);
    expect(() => decodeServiceInstance(Buffer.from('[1]'))).toThrow(InvalidServiceInstanceError);
    expect(() => decodeServiceInstance(Buffer.from('{"name":"a"}'))).toThrow(/name and id/);
  });
});
