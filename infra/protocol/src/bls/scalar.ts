import { bls12_381 } from '@noble/curves/bls12-381.js';

/** Arithmetic in the scalar field Fr of BLS12-381 (order r), for Shamir sharing. */
const Fr = bls12_381.fields.Fr;

/** Scalars are serialised as 32-byte big-endian integers below r. */
export const SCALAR_BYTES = 32;

/** Big-endian bytes → bigint (no range check). */
export function bytesToScalar(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}

/** A scalar below r → 32 big-endian bytes. */
export function scalarToBytes(scalar: bigint): Uint8Array {
  const bytes = new Uint8Array(SCALAR_BYTES);
  let rest = scalar;
  for (let i = SCALAR_BYTES - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** True for a scalar in [1, r). */
export function isNonZeroScalar(scalar: bigint): boolean {
  return scalar > 0n && scalar < Fr.ORDER;
}

/**
 * A uniformly random non-zero scalar. Reduces 48 random bytes modulo r, which keeps the bias
 * below 2^-128 (the same margin as hash-to-field, RFC 9380 §5).
 */
export function randomScalar(randomBytes: (length: number) => Uint8Array): bigint {
  for (;;) {
    const scalar = Fr.create(bytesToScalar(randomBytes(48)));
    if (scalar !== 0n) {
      return scalar;
    }
  }
}

/** f(x) for f = coefficients[0] + coefficients[1]·x + … over Fr (Horner). */
export function evaluatePolynomial(coefficients: readonly bigint[], x: bigint): bigint {
  let value = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) {
    value = Fr.add(Fr.mul(value, x), coefficients[i] ?? 0n);
  }
  return value;
}

/**
 * Lagrange basis coefficients λ_i(x) = Π_{j≠i} (x − x_j) / (x_i − x_j) for distinct non-zero
 * indices; at x = 0 they recombine shares f(x_i) into the secret f(0).
 */
export function lagrangeCoefficients(indices: readonly bigint[], x: bigint): bigint[] {
  return indices.map((xi, i) => {
    let numerator = 1n;
    let denominator = 1n;
    indices.forEach((xj, j) => {
      if (j !== i) {
        numerator = Fr.mul(numerator, Fr.sub(Fr.create(x), xj));
        denominator = Fr.mul(denominator, Fr.sub(xi, xj));
      }
    });
    return Fr.mul(numerator, Fr.inv(denominator));
  });
}

/** The value at x of the polynomial through the points (indices[i], values[i]), over Fr. */
export function interpolateAt(
  indices: readonly bigint[],
  values: readonly bigint[],
  x: bigint,
): bigint {
  return lagrangeCoefficients(indices, x).reduce(
    (sum, coefficient, i) => Fr.add(sum, Fr.mul(coefficient, values[i] ?? 0n)),
    0n,
  );
}
