import { blsVerify } from '@dfinity/agent';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { BlsErrorCode } from './errors.js';
import { verifyBlsSignature } from './verify.js';

const SECRET = new Uint8Array(32).fill(0x2a);
const PUBLIC_KEY = bls12_381.getPublicKeyForShortSignatures(SECRET);
const MESSAGE = new TextEncoder().encode('\x0Dic-state-root and a root hash');
const SIGNATURE = bls12_381.signShortSignature(MESSAGE, SECRET) as Uint8Array;

describe('verifyBlsSignature', () => {
  it('verifyBlsSignature passes for a noble short signature, like the agent blsVerify', () => {
    expect(verifyBlsSignature(PUBLIC_KEY, MESSAGE, SIGNATURE)).toBe(true);
    expect(blsVerify(PUBLIC_KEY, SIGNATURE, MESSAGE)).toBe(true);
  });

  it('verifyBlsSignature fails for another message', () => {
    expect(verifyBlsSignature(PUBLIC_KEY, new Uint8Array([1]), SIGNATURE)).toBe(false);
  });

  it('verifyBlsSignature fails for a signature that is not a G1 point', () => {
    expect(verifyBlsSignature(PUBLIC_KEY, MESSAGE, new Uint8Array(48).fill(0xff))).toBe(false);
    expect(verifyBlsSignature(PUBLIC_KEY, MESSAGE, SIGNATURE.subarray(0, 47))).toBe(false);
  });

  it('verifyBlsSignature fails for the identity signature', () => {
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    expect(verifyBlsSignature(PUBLIC_KEY, MESSAGE, identity)).toBe(false);
  });

  it('verifyBlsSignature throws PROTO_BLS_INVALID_PUBLIC_KEY for a DER-wrapped key', () => {
    const der = new Uint8Array(133);
    expect(() => verifyBlsSignature(der, MESSAGE, SIGNATURE)).toThrow(CitadelError);
    try {
      verifyBlsSignature(der, MESSAGE, SIGNATURE);
    } catch (error) {
      expect((error as CitadelError).code).toBe(BlsErrorCode.INVALID_PUBLIC_KEY);
    }
  });
});
