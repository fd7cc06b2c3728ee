import { describe, expect, it } from 'vitest';
import { rewriteElectionAddress } from '../../src/testing/peer-mesh.js';

function handshake(version: bigint, sid: bigint, address: string, trailing = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(20);
  head.writeBigInt64BE(version, 0);
  head.writeBigInt64BE(sid, 8);
  head.writeInt32BE(Buffer.byteLength(address), 16);
  return Buffer.concat([head, Buffer.from(address), trailing]);
}

describe('rewriteElectionAddress (election handshake through the peer mesh)', () => {
  it('replaces the advertised address and keeps version, sid and trailing bytes', () => {
    const input = handshake(-65535n, 3n, '127.0.0.1:40001', Buffer.from([1, 2, 3]));
    const output = rewriteElectionAddress(input, () => '127.0.0.1:5')!;
    expect(output).toEqual(handshake(-65535n, 3n, '127.0.0.1:5', Buffer.from([1, 2, 3])));
  });

  it('waits for a complete handshake', () => {
    const input = handshake(-65535n, 3n, '127.0.0.1:40001');
    expect(rewriteElectionAddress(input.subarray(0, 10), () => 'x:1')).toBeUndefined();
    expect(rewriteElectionAddress(input.subarray(0, 25), () => 'x:1')).toBeUndefined();
  });

  it('passes old-protocol or nonsense preambles through unchanged', () => {
    const old = Buffer.alloc(24);
    old.writeBigInt64BE(3n, 0); // protocol 3.4: the sid comes first, no address
    expect(rewriteElectionAddress(old, () => 'x:1')).toBe(old);
    const huge = handshake(-65535n, 3n, 'a');
    huge.writeInt32BE(1_000_000, 16);
    expect(rewriteElectionAddress(huge, () => 'x:1')).toBe(huge);
  });
});
