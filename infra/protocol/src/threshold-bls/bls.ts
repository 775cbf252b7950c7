import { bls12_381 } from '@noble/curves/bls12-381';

// The IC's "minimal-signature-size" BLS: signatures in G1 (48 bytes), public keys in G2
// (96 bytes), messages hashed with the G1 ciphersuite (ic-protocol.md §4.3).
const { shortSignatures } = bls12_381;

/** True when `signature48` is a valid BLS signature of `message` under `publicKey96`; never throws. */
export function verifyBlsSignature(
  publicKey96: Uint8Array,
  message: Uint8Array,
  signature48: Uint8Array,
): boolean {
  try {
    return shortSignatures.verify(signature48, shortSignatures.hash(message), publicKey96);
  } catch {
    // Bytes that are not valid curve points cannot be a valid signature.
    return false;
  }
}
