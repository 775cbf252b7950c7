import { ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import {
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
} from '../keys/encode-public-key-der.js';
import { KeyErrorCode } from '../keys/errors.js';
import { SignatureErrorCode } from './errors.js';
import { createSignatureVerifier, verifySignature } from './signature-verifier.js';
import type { KeySignatureVerifier } from './types.js';

const MESSAGE = new TextEncoder().encode('\x0Aic-request and a request id');
const verifier = createSignatureVerifier();

function expectRejected(run: () => unknown, code: string, kind = 'trust'): CitadelError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).code).toBe(code);
    expect((error as CitadelError).kind).toBe(kind);
    return error as CitadelError;
  }
  return expect.fail(`expected a CitadelError with code ${code}`);
}

/** Flips `s` to `n - s`: the other, equally valid ECDSA signature. */
function flipS(signature: Uint8Array, order: bigint): Uint8Array {
  const s = BigInt(`0x${bytesToHex(signature.subarray(32))}`);
  const flipped = (order - s).toString(16).padStart(64, '0');
  return new Uint8Array([...signature.subarray(0, 32), ...hexToBytes(flipped)]);
}

const keyKinds: [
  string,
  () => Promise<{ der: Uint8Array; sign: (m: Uint8Array) => Promise<Uint8Array> }>,
][] = [
  [
    'Ed25519KeyIdentity',
    async () => {
      const identity = Ed25519KeyIdentity.generate();
      return { der: identity.getPublicKey().toDer(), sign: (m) => identity.sign(m) };
    },
  ],
  [
    'ECDSAKeyIdentity',
    async () => {
      const identity = await ECDSAKeyIdentity.generate();
      return {
        der: new Uint8Array(identity.getPublicKey().toDer()),
        sign: (m) => identity.sign(m),
      };
    },
  ],
  [
    'Secp256k1KeyIdentity',
    async () => {
      const identity = Secp256k1KeyIdentity.generate();
      return { der: identity.getPublicKey().toDer(), sign: (m) => identity.sign(m) };
    },
  ],
];

describe('createSignatureVerifier', () => {
  for (const [name, make] of keyKinds) {
    it(`verify passes for a ${name} signature`, async () => {
      const { der, sign } = await make();
      const signature = await sign(MESSAGE);
      expect(() => verifier.verify(der, MESSAGE, signature)).not.toThrow();
      expect(verifySignature(der, MESSAGE, signature)).toBe(true);
    });

    it(`verify fails for a ${name} signature over another message`, async () => {
      const { der, sign } = await make();
      const signature = await sign(new TextEncoder().encode('something else'));
      expectRejected(() => verifier.verify(der, MESSAGE, signature), SignatureErrorCode.INVALID);
      expect(verifySignature(der, MESSAGE, signature)).toBe(false);
    });

    it(`verify fails for a ${name} signature with a flipped bit`, async () => {
      const { der, sign } = await make();
      const signature = (await sign(MESSAGE)).slice();
      signature[10] ^= 0x01;
      expect(verifier.check(der, MESSAGE, signature).valid).toBe(false);
    });

    it(`verify fails with PROTO_SIG_MALFORMED for a ${name} signature of 63 bytes`, async () => {
      const { der, sign } = await make();
      const signature = (await sign(MESSAGE)).subarray(0, 63);
      expectRejected(() => verifier.verify(der, MESSAGE, signature), SignatureErrorCode.MALFORMED);
    });
  }

  it('verify accepts the high-S twin of a P-256 signature', () => {
    const secret = p256.utils.randomSecretKey();
    const der = encodePublicKeyDer('ecdsa-p256', p256.getPublicKey(secret, false));
    const signature = p256.sign(sha256(MESSAGE), secret, { prehash: false }).toBytes('compact');
    expect(verifySignature(der, MESSAGE, signature)).toBe(true);
    expect(verifySignature(der, MESSAGE, flipS(signature, p256.CURVE.n))).toBe(true);
  });

  it('verify accepts the high-S twin of a secp256k1 signature', () => {
    const secret = secp256k1.utils.randomSecretKey();
    const der = encodePublicKeyDer('ecdsa-secp256k1', secp256k1.getPublicKey(secret, false));
    const signature = secp256k1
      .sign(sha256(MESSAGE), secret, { prehash: false })
      .toBytes('compact');
    expect(verifySignature(der, MESSAGE, flipS(signature, secp256k1.CURVE.n))).toBe(true);
  });

  it('verify fails with PROTO_SIG_MALFORMED when an ECDSA r is zero', () => {
    const secret = p256.utils.randomSecretKey();
    const der = encodePublicKeyDer('ecdsa-p256', p256.getPublicKey(secret, false));
    expectRejected(
      () => verifier.verify(der, MESSAGE, new Uint8Array(64)),
      SignatureErrorCode.MALFORMED,
    );
  });

  it('verify fails with PROTO_SIG_INVALID when the ECDSA key is not on the curve', () => {
    const der = encodePublicKeyDer('ecdsa-p256', new Uint8Array(65).fill(4));
    expectRejected(
      () => verifier.verify(der, MESSAGE, new Uint8Array(64).fill(1)),
      SignatureErrorCode.INVALID,
    );
  });

  it('verify fails with a PROTO_KEY error for a key that is not DER', () => {
    expectRejected(
      () => verifier.verify(new Uint8Array(32), MESSAGE, new Uint8Array(64)),
      KeyErrorCode.MALFORMED_DER,
      'protocol',
    );
  });

  it('verify fails with PROTO_SIG_UNSUPPORTED_KEY for WebAuthn keys without the plug-in', () => {
    const der = encodePublicKeyDer('webauthn', new Uint8Array([0xa0]));
    const error = expectRejected(
      () => verifier.verify(der, MESSAGE, new Uint8Array(64)),
      SignatureErrorCode.UNSUPPORTED_KEY,
    );
    expect(error.message).toMatch(/webauthn. plug-in/);
    expect(verifier.supports('webauthn')).toBe(false);
  });

  it('verify fails with PROTO_SIG_UNSUPPORTED_KEY for canister signatures without the plug-in', () => {
    const der = encodeCanisterSignaturePublicKeyDer(new Uint8Array([1]), new Uint8Array([2]));
    expectRejected(
      () => verifier.verify(der, MESSAGE, new Uint8Array(8)),
      SignatureErrorCode.UNSUPPORTED_KEY,
    );
    expect(verifier.supports('canister-signature')).toBe(false);
  });

  it('verify fails with PROTO_SIG_UNSUPPORTED_KEY for a BLS key', () => {
    const der = encodePublicKeyDer('bls12381-g2', new Uint8Array(96));
    expectRejected(
      () => verifier.verify(der, MESSAGE, new Uint8Array(48)),
      SignatureErrorCode.UNSUPPORTED_KEY,
    );
  });

  it('verify hands canister-signature keys, message and signature to the plug-in', () => {
    const calls: [Uint8Array, Uint8Array, Uint8Array][] = [];
    const canisterSignature: KeySignatureVerifier<{
      kind: 'canister-signature';
      raw: Uint8Array;
      canisterId: Uint8Array;
      seed: Uint8Array;
    }> = (key, message, signature) => {
      calls.push([key.canisterId, message, signature]);
      return signature[0] === 1
        ? { valid: true }
        : { valid: false, code: SignatureErrorCode.INVALID, reason: 'the witness does not match' };
    };
    const withPlugIn = createSignatureVerifier({ canisterSignature });
    const der = encodeCanisterSignaturePublicKeyDer(new Uint8Array([7, 7]), new Uint8Array([2]));
    expect(withPlugIn.supports('canister-signature')).toBe(true);
    withPlugIn.verify(der, MESSAGE, new Uint8Array([1]));
    const error = expectRejected(
      () => withPlugIn.verify(der, MESSAGE, new Uint8Array([0])),
      SignatureErrorCode.INVALID,
    );
    expect(error.message).toBe('Signature rejected: the witness does not match.');
    expect(calls[0]?.[0]).toEqual(new Uint8Array([7, 7]));
    expect(calls[0]?.[1]).toEqual(MESSAGE);
  });
});
