import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { SignatureErrorCode } from './errors.js';
import type { SignatureCheck } from './types.js';

const VALID: SignatureCheck = { valid: true };

/**
 * Ed25519 (RFC 8032): a 64-byte signature over the message itself. Verified in the strict
 * RFC 8032 mode (canonical encodings, no small-order keys) like the IC's verifier.
 */
export function checkEd25519Signature(
  publicKey32: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  if (signature.length !== 64) {
    return wrongLength('Ed25519', signature.length);
  }
  return ed25519.verify(signature, message, publicKey32, { zip215: false })
    ? VALID
    : mismatch('Ed25519');
}

/**
 * ECDSA on P-256 or secp256k1 (digest §3.3): a 64-byte `r ‖ s` over SHA-256(message). High-S
 * signatures are accepted on both curves, because WebCrypto (ECDSAKeyIdentity) does not
 * normalise S and the local network should not be stricter than clients expect.
 */
export function checkEcdsaSignature(
  curve: 'p256' | 'secp256k1',
  publicKey65: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  const name = curve === 'p256' ? 'ECDSA P-256' : 'ECDSA secp256k1';
  if (signature.length !== 64) {
    return wrongLength(name, signature.length);
  }
  const ecdsa = curve === 'p256' ? p256 : secp256k1;
  // noble throws (instead of answering false) on r or s outside [1, n), so check them first.
  const order = ecdsa.CURVE.n;
  const r = bytesToBigInt(signature.subarray(0, 32));
  const s = bytesToBigInt(signature.subarray(32, 64));
  if (r === 0n || r >= order || s === 0n || s >= order) {
    return {
      valid: false,
      code: SignatureErrorCode.MALFORMED,
      reason: `the ${name} signature's r or s is outside [1, n)`,
    };
  }
  // prehash: false because we hash ourselves; noble would otherwise hash a second time.
  const valid = ecdsa.verify(signature, sha256(message), publicKey65, {
    prehash: false,
    lowS: false,
    format: 'compact',
  });
  return valid ? VALID : mismatch(name);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

function wrongLength(scheme: string, length: number): SignatureCheck {
  return {
    valid: false,
    code: SignatureErrorCode.MALFORMED,
    reason: `an ${scheme} signature has 64 bytes, got ${length}`,
  };
}

function mismatch(scheme: string): SignatureCheck {
  return {
    valid: false,
    code: SignatureErrorCode.INVALID,
    reason: `the ${scheme} signature does not match the message and public key`,
  };
}
