import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256 } from './sha256.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('agrees with @noble/hashes for every length around the block and padding edges', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let length = 0; length <= 300; length++) {
      const part = data.subarray(0, length);
      expect(hex(sha256(part)), `length ${length}`).toBe(hex(nobleSha256(part)));
    }
  });

  it('gives the same digest however the input is split across updates', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const hasher = new Sha256();
    for (const [from, to] of [
      [0, 1],
      [1, 63],
      [63, 64],
      [64, 200],
      [200, 1000],
    ] as const) {
      hasher.update(data.subarray(from, to));
    }
    expect(hex(hasher.digest())).toBe(hex(nobleSha256(data)));
  });
});
