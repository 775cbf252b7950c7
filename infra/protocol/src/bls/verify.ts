import { CitadelError } from '../errors.js';
import { BLS_PUBLIC_KEY_BYTES, decodeG1, decodeG2, pairingCheck } from './curve.js';
import type { G2Point } from './curve.js';
import { BlsErrorCode } from './errors.js';

/**
 * Verifies an IC BLS signature (digest §4.3): 96-byte G2 public key, message, 48-byte G1
 * signature. Returns false for a signature that does not verify or is not a G1 point; throws
 * PROTO_BLS_INVALID_PUBLIC_KEY when the key itself is unusable. Same result as agent 3.4.3's
 * `blsVerify`, so it fits `verifyCertificate`'s `blsVerify` option.
 * @example verifyCertificate(bytes, { rootKeyDer, nowNs, blsVerify: verifyBlsSignature })
 */
export function verifyBlsSignature(
  publicKey96: Uint8Array,
  message: Uint8Array,
  signature48: Uint8Array,
): boolean {
  const publicKey = decodePublicKey(publicKey96, 'BLS public key');
  const signature = decodeG1(signature48);
  return signature !== null && pairingCheck(publicKey, message, signature);
}

/** Decodes a G2 public key or throws PROTO_BLS_INVALID_PUBLIC_KEY naming `what`. */
export function decodePublicKey(bytes: Uint8Array, what: string): G2Point {
  const point = decodeG2(bytes);
  if (point === null) {
    throw new CitadelError(
      'trust',
      BlsErrorCode.INVALID_PUBLIC_KEY,
      `The ${what} must be a ${BLS_PUBLIC_KEY_BYTES}-byte compressed BLS12-381 G2 point (not the 133-byte DER form, not the identity); got ${bytes.length} bytes that do not decode.`,
      { length: bytes.length },
    );
  }
  return point;
}
