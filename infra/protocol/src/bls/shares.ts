import { CitadelError } from '../errors.js';
import {
  CURVE_ORDER,
  G1_ZERO,
  G2_ZERO,
  decodeG1,
  decodeG2,
  hashToG1,
  pairingCheck,
} from './curve.js';
import type { G1Point, G2Point } from './curve.js';
import { BlsErrorCode } from './errors.js';
import { bytesToScalar, isNonZeroScalar, lagrangeCoefficients } from './scalar.js';
import type { ThresholdKeyShare } from './threshold-key.js';

/** A node's signature share, tagged with the node's 1-based index. */
export interface SignatureShare {
  readonly index: number;
  /** 48-byte compressed G1 point: H(message) × secretShare. */
  readonly signature: Uint8Array;
}

/**
 * A message already hashed to G1. Hash-to-curve costs about as much as the scalar
 * multiplication, so a signing round hashes once and hands this to every node.
 */
export interface HashedMessage {
  /** The message bytes (what faulty test nodes tamper with). */
  readonly message: Uint8Array;
  /** @internal H(message) in G1. */
  readonly point: G1Point;
}

/** Hashes `message` to G1 with the IC ciphersuite, for {@link signShare}. */
export function hashMessage(message: Uint8Array): HashedMessage {
  return { message, point: hashToG1(message) };
}

/**
 * Signs a message with one secret share: H(message) × f(index), 48 bytes compressed — a BLS
 * signature under the share's `publicShare`.
 */
export function signShare(
  share: Pick<ThresholdKeyShare, 'index' | 'secretShare'>,
  message: Uint8Array | HashedMessage,
): Uint8Array {
  const scalar = bytesToScalar(share.secretShare);
  if (share.secretShare.length !== 32 || !isNonZeroScalar(scalar)) {
    throw new CitadelError(
      'input',
      BlsErrorCode.INVALID_KEY_MATERIAL,
      `The secret share of node ${share.index} must be a 32-byte big-endian scalar in [1, r).`,
      { index: share.index },
    );
  }
  const point = message instanceof Uint8Array ? hashToG1(message) : message.point;
  return point.multiply(scalar).toBytes(true);
}

/**
 * True when `shareSignature` is node's valid share for `message` under its 96-byte public
 * share; false for a wrong or undecodable share. Throws PROTO_BLS_INVALID_PUBLIC_KEY for an
 * unusable public share.
 */
export function verifyShare(
  publicShare: Uint8Array,
  message: Uint8Array,
  shareSignature: Uint8Array,
): boolean {
  const publicKey = decodeG2(publicShare);
  if (publicKey === null) {
    throw new CitadelError(
      'trust',
      BlsErrorCode.INVALID_PUBLIC_KEY,
      'A public share must be a 96-byte compressed BLS12-381 G2 point.',
      { length: publicShare.length },
    );
  }
  const signature = decodeG1(shareSignature);
  return signature !== null && pairingCheck(publicKey, message, signature);
}

/**
 * Combines the first `threshold` shares into the full signature by Lagrange interpolation at 0
 * in G1: Σ λ_i(0) × share_i. Only as good as its inputs: verify the result (or the shares).
 * Throws PROTO_BLS_NOT_ENOUGH_SHARES with fewer than `threshold` shares and
 * PROTO_BLS_INVALID_SHARE for repeated indices or undecodable shares.
 */
export function combineShares(shares: readonly SignatureShare[], threshold: number): Uint8Array {
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new CitadelError(
      'input',
      BlsErrorCode.INVALID_PARAMETERS,
      `The threshold must be a positive integer, got ${threshold}.`,
      { threshold },
    );
  }
  if (shares.length < threshold) {
    throw new CitadelError(
      'trust',
      BlsErrorCode.NOT_ENOUGH_SHARES,
      `Cannot combine a BLS signature from ${shares.length} shares; ${threshold} are needed.`,
      { threshold, shares: shares.length },
    );
  }
  const used = shares.slice(0, threshold);
  const indices = used.map((share) => share.index);
  const invalidIndex = indices.find(
    (index, position) =>
      !Number.isSafeInteger(index) || index < 1 || indices.indexOf(index) !== position,
  );
  if (invalidIndex !== undefined) {
    throw new CitadelError(
      'input',
      BlsErrorCode.INVALID_SHARE,
      `Signature share indices must be distinct positive integers; got [${indices.join(', ')}].`,
      { indices },
    );
  }
  const points = used.map((share) => {
    const point = decodeG1(share.signature);
    if (point === null) {
      throw new CitadelError(
        'trust',
        BlsErrorCode.INVALID_SHARE,
        `The signature share of node ${share.index} is not a 48-byte compressed G1 point.`,
        { index: share.index },
      );
    }
    return point;
  });
  return interpolateG1(points, indices, 0n).toBytes(true);
}

/**
 * The value at `x` of the polynomial (in the exponent) through `points` at `indices`:
 * Σ λᵢ(x)·Pᵢ. Lagrange coefficients are public, so variable-time multiplication leaks
 * nothing; for the small consecutive indices of a subnet they are small integers, and a
 * coefficient near the group order is applied as the negation of its small complement.
 */
export function interpolateG1(
  points: readonly G1Point[],
  indices: readonly number[],
  x: bigint,
): G1Point {
  return interpolate(points, indices, x, G1_ZERO);
}

/** {@link interpolateG1} in G2, for public shares. */
export function interpolateG2(
  points: readonly G2Point[],
  indices: readonly number[],
  x: bigint,
): G2Point {
  return interpolate(points, indices, x, G2_ZERO);
}

interface GroupPoint<P> {
  add(other: P): P;
  subtract(other: P): P;
  multiplyUnsafe(scalar: bigint): P;
}

function interpolate<P extends GroupPoint<P>>(
  points: readonly P[],
  indices: readonly number[],
  x: bigint,
  zero: P,
): P {
  const coefficients = lagrangeCoefficients(
    indices.map((index) => BigInt(index)),
    x,
  );
  return points.reduce((sum, point, i) => {
    const coefficient = coefficients[i] ?? 0n;
    if (coefficient === 0n) {
      return sum;
    }
    return coefficient > CURVE_ORDER / 2n
      ? sum.subtract(point.multiplyUnsafe(CURVE_ORDER - coefficient))
      : sum.add(point.multiplyUnsafe(coefficient));
  }, zero);
}
