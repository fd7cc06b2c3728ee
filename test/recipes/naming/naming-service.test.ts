import { describe, expect, it } from 'vitest';
import { BadVersionError, InvalidArgumentError } from '../../../src/index.js';
import {
  jsonCodec,
  NameAlreadyBoundError,
  NameDecodeError,
  NamingService,
} from '../../../recipes/naming/naming-service.js';
import { eventually, newClient } from '../../support/zk.js';

describe('NamingService', () => {
  it('binds, resolves, lists and unbinds', async () => {
    const client = await newClient();
    const dns = new NamingService(client, '/dns');
    expect(await dns.list()).toEqual([]);
    expect(await dns.resolve('db')).toBeNull();
    await dns.bind('db', '10.0.0.5:5432');
    await dns.bind('api', '10.0.0.7:8080');
    expect(await dns.resolve('db')).toBe('10.0.0.5:5432');
    expect(await dns.list()).toEqual(['api', 'db']);
    expect(await dns.entries()).toEqual(
      new Map([
        ['api', '10.0.0.7:8080'],
        ['db', '10.0.0.5:5432'],
      ]),
    );
    await expect(dns.bind('db', 'other')).rejects.toBeInstanceOf(NameAlreadyBoundError);
    await dns.bind('db', '10.0.0.6:5432', { overwrite: true });
    expect(await dns.resolve('db')).toBe('10.0.0.6:5432');
    await expect(dns.bind('db', 'x', { overwrite: true, version: 0 })).rejects.toBeInstanceOf(
      BadVersionError,
    );
    expect(await dns.unbind('db')).toBe(true);
    expect(await dns.unbind('db')).toBe(false);
    expect(await dns.list()).toEqual(['api']);
  });

  it('uses a codec and reports undecodable values with the path', async () => {
    const client = await newClient();
    const svc = new NamingService(client, '/svc', { codec: jsonCodec<{ host: string; port: number }>() });
    await svc.bind('a', { host: 'h', port: 1 });
    expect(await svc.resolve('a')).toEqual({ host: 'h', port: 1 });
    await client.create('/svc/bad', 'not json');
    await expect(svc.resolve('bad')).rejects.toMatchObject({ name: 'NameDecodeError', path: '/svc/bad' });
    await expect(svc.resolve('bad')).rejects.toBeInstanceOf(NameDecodeError);
  });

  it('resolve$ follows a binding: current value, each change, unbind', async () => {
    const client = await newClient();
    const dns = new NamingService(client, '/dns');
    const seen: (string | null)[] = [];
    const sub = dns.resolve$('db').subscribe((v) => seen.push(v));
    await eventually(() => expect(seen).toEqual([null]));
    await dns.bind('db', 'a:1');
    await eventually(() => expect(seen).toEqual([null, 'a:1']));
    await dns.bind('db', 'b:2', { overwrite: true });
    await eventually(() => expect(seen).toEqual([null, 'a:1', 'b:2']));
    await dns.unbind('db');
    await eventually(() => expect(seen).toEqual([null, 'a:1', 'b:2', null]));
    sub.unsubscribe();
  });

  it('rejects names that are not one path segment', async () => {
    const client = await newClient();
    const svc = new NamingService(client, '/n');
    for (const bad of ['', '.', '..', 'a/b']) {
      await expect(svc.bind(bad, 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});
