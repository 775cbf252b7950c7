import { bls12_381 } from '@noble/curves/bls12-381.js';

/**
 * Thin typed access to the BLS12-381 pieces the IC's "minimal signature size" scheme uses
 * (digest §4.3): signatures in G1 (48-byte compressed), public keys in G2 (96 bytes), messages
 * hashed to G1 with DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_` (noble's default for
 * short signatures).
 */
export const BLS_SIGNATURE_BYTES = 48;
/** Compressed G2 public key size. */
export const BLS_PUBLIC_KEY_BYTES = 96;
/** Hash-to-curve domain separation tag of IC signatures. */
export const BLS_SIGNATURE_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

/** Order r of G1, G2 and the scalar field Fr. */
export const CURVE_ORDER: bigint = bls12_381.fields.Fr.ORDER;

/** A point of G1 (signatures). */
export type G1Point = ReturnType<typeof bls12_381.G1.Point.fromBytes>;
/** A point of G2 (public keys). */
export type G2Point = ReturnType<typeof bls12_381.G2.Point.fromBytes>;

/** Generators. */
export const G1_BASE: G1Point = bls12_381.G1.Point.BASE;
export const G2_BASE: G2Point = bls12_381.G2.Point.BASE;
/** Identity of G1, the start of sums. */
export const G1_ZERO: G1Point = bls12_381.G1.Point.ZERO;
/** The identity of G2. */
export const G2_ZERO: G2Point = bls12_381.G2.Point.ZERO;

/** Hashes a message to G1 with {@link BLS_SIGNATURE_DST}. */
export function hashToG1(message: Uint8Array): G1Point {
  return bls12_381.shortSignatures.hash(message, BLS_SIGNATURE_DST);
}

/**
 * e(signature, G2) == e(H(message), publicKey), the check of every IC certificate. Takes the
 * message already hashed to G1 when the caller checks several signatures of one message.
 */
export function pairingCheck(
  publicKey: G2Point,
  message: Uint8Array | G1Point,
  signature: G1Point,
): boolean {
  const hashed = message instanceof Uint8Array ? hashToG1(message) : message;
  return bls12_381.shortSignatures.verify(signature, hashed, publicKey);
}

/**
 * Decodes a compressed G1 point; null when the bytes are not a canonical encoding of a point
 * in the prime-order subgroup, or encode the identity (which no honest signer produces).
 */
export function decodeG1(bytes: Uint8Array): G1Point | null {
  if (bytes.length !== BLS_SIGNATURE_BYTES) {
    return null;
  }
  return decodeOrNull(() => bls12_381.G1.Point.fromBytes(bytes));
}

/** Decodes a compressed G2 point; null as for {@link decodeG1}. */
export function decodeG2(bytes: Uint8Array): G2Point | null {
  if (bytes.length !== BLS_PUBLIC_KEY_BYTES) {
    return null;
  }
  return decodeOrNull(() => bls12_381.G2.Point.fromBytes(bytes));
}

function decodeOrNull<P extends { is0(): boolean; assertValidity(): void }>(
  decode: () => P,
): P | null {
  let point: P;
  try {
    point = decode();
    point.assertValidity();
  } catch (error) {
    // noble signals off-curve, out-of-subgroup or non-canonical encodings with plain Errors;
    // for a verifier that is simply "not a point". Anything else is a bug and propagates.
    if (error instanceof Error) {
      return null;
    }
    throw error;
  }
  return point.is0() ? null : point;
}
