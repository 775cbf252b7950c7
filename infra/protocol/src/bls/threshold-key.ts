import { randomBytes as secureRandomBytes } from '@noble/hashes/utils.js';

import { CitadelError } from '../errors.js';
import { G2_BASE } from './curve.js';
import { BlsErrorCode } from './errors.js';
import { evaluatePolynomial, randomScalar, scalarToBytes } from './scalar.js';

/** One node's part of a threshold key. */
export interface ThresholdKeyShare {
  /** The node's 1-based index: the x at which the sharing polynomial was evaluated. */
  readonly index: number;
  /** f(index) as a 32-byte big-endian scalar. Secret. */
  readonly secretShare: Uint8Array;
  /** G2 generator × f(index), 96 bytes compressed: verifies this node's signature shares. */
  readonly publicShare: Uint8Array;
}

/**
 * A t-of-n threshold BLS key (digest §4.3): any `threshold` shares sign for `publicKey`, and
 * verifiers cannot tell the result from a single-key signature.
 */
export interface ThresholdKey {
  /** G2 generator × secret, 96 bytes compressed (wrap with `encodePublicKeyDer('bls12381-g2', …)`). */
  readonly publicKey: Uint8Array;
  /** Shares needed for a signature. */
  readonly threshold: number;
  /** One share per node, in index order. */
  readonly shares: readonly ThresholdKeyShare[];
}

/** Parameters of {@link generateThresholdKey}. */
export interface GenerateThresholdKeyParams {
  /** Number of nodes (shares), 1 to {@link MAX_THRESHOLD_NODES}. */
  readonly nodeCount: number;
  /** Shares needed to sign, 1 to `nodeCount`. */
  readonly threshold: number;
  /**
   * Source of randomness; inject a seeded one for reproducible tests.
   * @default crypto.getRandomValues via @noble/hashes
   */
  readonly randomBytes?: (length: number) => Uint8Array;
}

/** Upper bound on nodes of one key; a local network has a handful. */
export const MAX_THRESHOLD_NODES = 256;

/**
 * Deals a fresh threshold key with Shamir's scheme over Fr: a random polynomial f of degree
 * threshold − 1, secret f(0), node i's share f(i), public key G2 × f(0). The dealer (the local
 * network) sees every share; that is acceptable for a development network, not for mainnet.
 * @example generateThresholdKey({ nodeCount: 4, threshold: 3 })
 */
export function generateThresholdKey(params: GenerateThresholdKeyParams): ThresholdKey {
  const { nodeCount, threshold } = params;
  assertThresholdParameters(nodeCount, threshold);
  const randomBytes = params.randomBytes ?? secureRandomBytes;
  for (;;) {
    const coefficients = Array.from({ length: threshold }, () => randomScalar(randomBytes));
    const secrets = Array.from({ length: nodeCount }, (_, i) =>
      evaluatePolynomial(coefficients, BigInt(i + 1)),
    );
    // A zero share cannot sign (0 × H is the identity); redeal in that 1-in-2^255 case.
    if (secrets.some((secret) => secret === 0n)) {
      continue;
    }
    return {
      publicKey: G2_BASE.multiply(coefficients[0] ?? 0n).toBytes(true),
      threshold,
      shares: secrets.map((secret, i) => ({
        index: i + 1,
        secretShare: scalarToBytes(secret),
        publicShare: G2_BASE.multiply(secret).toBytes(true),
      })),
    };
  }
}

/** Throws PROTO_BLS_INVALID_PARAMETERS unless 1 ≤ threshold ≤ nodeCount ≤ MAX_THRESHOLD_NODES. */
export function assertThresholdParameters(nodeCount: number, threshold: number): void {
  if (
    !Number.isSafeInteger(nodeCount) ||
    !Number.isSafeInteger(threshold) ||
    nodeCount < 1 ||
    nodeCount > MAX_THRESHOLD_NODES ||
    threshold < 1 ||
    threshold > nodeCount
  ) {
    throw new CitadelError(
      'input',
      BlsErrorCode.INVALID_PARAMETERS,
      `A threshold key needs integers 1 ≤ threshold ≤ nodeCount ≤ ${MAX_THRESHOLD_NODES}; got threshold ${threshold} of ${nodeCount} nodes.`,
      { nodeCount, threshold },
    );
  }
}
