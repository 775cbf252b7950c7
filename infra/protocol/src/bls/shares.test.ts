import { blsVerify } from '@dfinity/agent';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { BlsErrorCode } from './errors.js';
import { combineShares, signShare, verifyShare } from './shares.js';
import type { SignatureShare } from './shares.js';
import { generateThresholdKey } from './threshold-key.js';

const KEY = generateThresholdKey({ nodeCount: 4, threshold: 3 });
const MESSAGE = new TextEncoder().encode('\x0Dic-state-root and a root hash');
const SHARES: SignatureShare[] = KEY.shares.map((share) => ({
  index: share.index,
  signature: signShare(share, MESSAGE),
}));
const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function pick(...indices: number[]): SignatureShare[] {
  return indices.map((index) => SHARES[index - 1] as SignatureShare);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof CitadelError ? error.code : 'not a CitadelError';
  }
  return undefined;
}

describe('threshold signature shares', () => {
  it('combineShares of 3 of 4 shares verifies with noble verifyShortSignature and the agent blsVerify', () => {
    const signature = combineShares(pick(1, 2, 3), 3);
    expect(signature).toHaveLength(48);
    expect(bls12_381.verifyShortSignature(signature, MESSAGE, KEY.publicKey)).toBe(true);
    expect(blsVerify(KEY.publicKey, signature, MESSAGE)).toBe(true);
  });

  it('combineShares gives the same signature for any 3 shares in any order', () => {
    const expected = hex(combineShares(pick(1, 2, 3), 3));
    for (const subset of [
      [1, 2, 4],
      [1, 3, 4],
      [2, 3, 4],
      [4, 2, 1],
      [3, 1, 2],
    ]) {
      expect(hex(combineShares(pick(...subset), 3))).toBe(expected);
    }
  });

  it('combineShares uses only the first threshold shares', () => {
    const corruptFourth = [...pick(1, 2, 3), { index: 4, signature: new Uint8Array(48) }];
    expect(hex(combineShares(corruptFourth, 3))).toBe(hex(combineShares(pick(1, 2, 3), 3)));
  });

  it('combineShares of 2 shares does not verify under a 3-of-4 key', () => {
    const signature = combineShares(pick(1, 2), 2);
    expect(bls12_381.verifyShortSignature(signature, MESSAGE, KEY.publicKey)).toBe(false);
  });

  it('combineShares fails with PROTO_BLS_NOT_ENOUGH_SHARES below the threshold', () => {
    expect(codeOf(() => combineShares(pick(1, 2), 3))).toBe(BlsErrorCode.NOT_ENOUGH_SHARES);
  });

  it('combineShares fails with PROTO_BLS_INVALID_SHARE for a repeated index', () => {
    expect(codeOf(() => combineShares(pick(1, 1, 2), 3))).toBe(BlsErrorCode.INVALID_SHARE);
  });

  it('combineShares fails with PROTO_BLS_INVALID_SHARE for a share that is not a G1 point', () => {
    const shares = [...pick(1, 2), { index: 3, signature: new Uint8Array(48).fill(0xff) }];
    expect(codeOf(() => combineShares(shares, 3))).toBe(BlsErrorCode.INVALID_SHARE);
  });

  it('verifyShare passes for each node share under its public share', () => {
    KEY.shares.forEach((share, i) => {
      expect(
        verifyShare(share.publicShare, MESSAGE, SHARES[i]?.signature ?? new Uint8Array()),
      ).toBe(true);
    });
  });

  it('verifyShare fails for another node share or a garbled one', () => {
    const [first, second] = KEY.shares;
    expect(
      verifyShare(
        first?.publicShare ?? new Uint8Array(),
        MESSAGE,
        SHARES[1]?.signature ?? new Uint8Array(),
      ),
    ).toBe(false);
    expect(verifyShare(second?.publicShare ?? new Uint8Array(), MESSAGE, new Uint8Array(48))).toBe(
      false,
    );
  });

  it('signShare fails with PROTO_BLS_INVALID_KEY_MATERIAL for a zero secret share', () => {
    expect(codeOf(() => signShare({ index: 1, secretShare: new Uint8Array(32) }, MESSAGE))).toBe(
      BlsErrorCode.INVALID_KEY_MATERIAL,
    );
  });
});
