import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { BlsErrorCode } from './errors.js';
import { generateThresholdKey } from './threshold-key.js';

/** Deterministic "randomness" for reproducible keys: SHA-256 in counter mode. */
function seededRandom(seed: number): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 32) {
      out.set(sha256(new Uint8Array([seed, counter++])).subarray(0, length - offset), offset);
    }
    return out;
  };
}

describe('generateThresholdKey', () => {
  it('generateThresholdKey deals one share per node with 1-based indices', () => {
    const key = generateThresholdKey({ nodeCount: 4, threshold: 3 });
    expect(key.threshold).toBe(3);
    expect(key.publicKey).toHaveLength(96);
    expect(key.shares.map((share) => share.index)).toEqual([1, 2, 3, 4]);
    for (const share of key.shares) {
      expect(share.secretShare).toHaveLength(32);
      expect(bls12_381.getPublicKeyForShortSignatures(share.secretShare)).toEqual(
        share.publicShare,
      );
    }
  });

  it('generateThresholdKey is reproducible with injected randomness', () => {
    const a = generateThresholdKey({ nodeCount: 3, threshold: 2, randomBytes: seededRandom(1) });
    const b = generateThresholdKey({ nodeCount: 3, threshold: 2, randomBytes: seededRandom(1) });
    const c = generateThresholdKey({ nodeCount: 3, threshold: 2, randomBytes: seededRandom(2) });
    expect(a).toEqual(b);
    expect(a.publicKey).not.toEqual(c.publicKey);
  });

  it('generateThresholdKey with threshold 1 gives every node the secret key itself', () => {
    const key = generateThresholdKey({ nodeCount: 2, threshold: 1 });
    expect(key.shares[0]?.publicShare).toEqual(key.publicKey);
    expect(key.shares[1]?.secretShare).toEqual(key.shares[0]?.secretShare);
  });

  for (const [nodeCount, threshold] of [
    [4, 5],
    [4, 0],
    [0, 0],
    [3.5, 2],
    [257, 3],
  ] as const) {
    it(`generateThresholdKey fails with PROTO_BLS_INVALID_PARAMETERS for threshold ${threshold} of ${nodeCount}`, () => {
      try {
        generateThresholdKey({ nodeCount, threshold });
        expect.fail('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(CitadelError);
        expect((error as CitadelError).code).toBe(BlsErrorCode.INVALID_PARAMETERS);
      }
    });
  }
});
