import { bls12_381 } from '@noble/curves/bls12-381';
import { CitadelError } from '../errors.js';
import { verifyBlsSignature } from './bls.js';

/** Stable codes of threshold-signing failures. */
export const ThresholdErrorCode = {
  NOT_ENOUGH_SHARES: 'PROTO_BLS_NOT_ENOUGH_SHARES',
  INVALID_PARAMETERS: 'PROTO_BLS_INVALID_PARAMETERS',
  INVALID_KEY_MATERIAL: 'PROTO_BLS_INVALID_KEY_MATERIAL',
} as const;

const { shortSignatures, fields } = bls12_381;
const Fr = fields.Fr;
const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;

/** One node's share of the subnet key. `index` is the 1-based evaluation point of the Shamir polynomial. */
export interface KeyShare {
  readonly index: number;
  readonly secretShare: bigint;
  /** G2 × secretShare, compressed (96 bytes): lets anyone check the node's signature shares. */
  readonly publicShare: Uint8Array;
}

/** A `threshold`-of-`shares.length` BLS key; the full secret is never kept. */
export interface ThresholdKey {
  readonly threshold: number;
  readonly publicKey: Uint8Array;
  readonly shares: readonly KeyShare[];
}

function randomScalar(randomBytes: (length: number) => Uint8Array): bigint {
  for (;;) {
    const bytes = randomBytes(48);
    // 48 bytes reduced mod r keep the bias below 2^-128.
    const value = Fr.create(bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n));
    if (value !== 0n) {
      return value;
    }
  }
}

const defaultRandom = (length: number): Uint8Array =>
  crypto.getRandomValues(new Uint8Array(length));

/**
 * Deals a fresh threshold key: a random secret, Shamir-shared with a polynomial of degree
 * `threshold - 1` over the scalar field, evaluated at 1…nodeCount.
 */
export function generateThresholdKey(params: {
  nodeCount: number;
  threshold: number;
  randomBytes?: (length: number) => Uint8Array;
}): ThresholdKey {
  const { nodeCount, threshold } = params;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > nodeCount) {
    throw new CitadelError(
      'input',
      ThresholdErrorCode.INVALID_PARAMETERS,
      `Threshold must be between 1 and the node count (${nodeCount}), got ${threshold}.`,
    );
  }
  const random = params.randomBytes ?? defaultRandom;
  const coefficients = Array.from({ length: threshold }, () => randomScalar(random));
  const evaluate = (x: bigint): bigint =>
    coefficients.reduceRight((acc, coefficient) => Fr.add(Fr.mul(acc, x), coefficient), 0n);
  const secret = coefficients[0] as bigint;
  const shares = Array.from({ length: nodeCount }, (_, i) => {
    const secretShare = evaluate(BigInt(i + 1));
    return { index: i + 1, secretShare, publicShare: G2.BASE.multiply(secretShare).toBytes() };
  });
  return { threshold, publicKey: G2.BASE.multiply(secret).toBytes(), shares };
}

/** A node's signature share: hash(message) × secretShare in G1, compressed (48 bytes). */
export function signShare(share: KeyShare, message: Uint8Array | HashedMessage): Uint8Array {
  return shortSignatures.Signature.toBytes(toHashed(message).point.multiply(share.secretShare));
}

type G1Point = ReturnType<typeof shortSignatures.hash>;

/**
 * A message hashed to G1 once, so the nodes of one signing round don't each repeat the
 * hash-to-curve (the most expensive step after the scalar multiplication).
 */
export interface HashedMessage {
  readonly message: Uint8Array;
  /** @internal */
  readonly point: G1Point;
}

/** Hashes `message` to G1 with the IC's ciphersuite. */
export function hashMessage(message: Uint8Array): HashedMessage {
  return { message, point: shortSignatures.hash(message) };
}

const toHashed = (message: Uint8Array | HashedMessage): HashedMessage =>
  message instanceof Uint8Array ? hashMessage(message) : message;

/** True when `signature` is `share`'s valid signature share of `message`. */
export function verifyShare(
  publicShare: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyBlsSignature(publicShare, message, signature);
}

/** Lagrange coefficient at 0 for `index` among `indexes`, in the scalar field. */
function lagrangeAtZero(index: number, indexes: readonly number[]): bigint {
  let numerator = 1n;
  let denominator = 1n;
  for (const other of indexes) {
    if (other !== index) {
      numerator = Fr.mul(numerator, BigInt(other));
      denominator = Fr.mul(denominator, Fr.sub(BigInt(other), BigInt(index)));
    }
  }
  return Fr.div(numerator, denominator);
}

/** Combines `threshold` signature shares into the signature of the full key (interpolation at 0 in G1). */
export function combineShares(
  shares: readonly { index: number; signature: Uint8Array }[],
  threshold: number,
): Uint8Array {
  const chosen = shares.slice(0, threshold);
  if (chosen.length < threshold) {
    throw new CitadelError(
      'trust',
      ThresholdErrorCode.NOT_ENOUGH_SHARES,
      `Need ${threshold} signature shares, got ${chosen.length}.`,
    );
  }
  const indexes = chosen.map((share) => share.index);
  let sum = G1.ZERO;
  for (const share of chosen) {
    const point = shortSignatures.Signature.fromBytes(share.signature);
    // Lagrange coefficients are public, so the faster variable-time multiplication is safe.
    sum = sum.add(point.multiplyUnsafe(lagrangeAtZero(share.index, indexes)));
  }
  return shortSignatures.Signature.toBytes(sum);
}

/** A node that contributes signature shares (injectable, so tests can make one misbehave). */
export interface NodeSigner {
  readonly nodeIndex: number;
  signShare(message: HashedMessage): Uint8Array;
}

/** Produces full-key signatures from node shares, tolerating nodes that hand out bad shares. */
export interface ThresholdSigner {
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Collects shares from every node, combines the first `threshold`, and checks the result
 * against the public key. Only when that fails are shares checked one by one (pairings
 * are the expensive part), bad ones dropped and the rest recombined.
 */
export function createThresholdSigner(params: {
  publicKey: Uint8Array;
  threshold: number;
  nodes: readonly NodeSigner[];
  publicShares?: ReadonlyMap<number, Uint8Array>;
}): ThresholdSigner {
  return {
    sign(message) {
      const hashed = hashMessage(message);
      const shares = params.nodes.map((node) => ({
        index: node.nodeIndex,
        signature: node.signShare(hashed),
      }));
      const optimistic = tryCombine(shares, params.threshold);
      if (optimistic && verifyHashed(params.publicKey, hashed, optimistic)) {
        return optimistic;
      }
      const good = shares.filter((share) => {
        const publicShare = params.publicShares?.get(share.index);
        return publicShare !== undefined && verifyHashed(publicShare, hashed, share.signature);
      });
      const signature = combineShares(good, params.threshold);
      if (!verifyHashed(params.publicKey, hashed, signature)) {
        throw new CitadelError(
          'trust',
          ThresholdErrorCode.NOT_ENOUGH_SHARES,
          'Valid signature shares do not combine into a valid signature; the key shares do not match the public key.',
        );
      }
      return signature;
    },
  };
}

function verifyHashed(
  publicKey: Uint8Array,
  hashed: HashedMessage,
  signature: Uint8Array,
): boolean {
  try {
    return shortSignatures.verify(signature, hashed.point, publicKey);
  } catch {
    // Bytes that are not valid curve points cannot be a valid signature.
    return false;
  }
}

function tryCombine(
  shares: readonly { index: number; signature: Uint8Array }[],
  threshold: number,
): Uint8Array | null {
  try {
    return combineShares(shares, threshold);
  } catch {
    // A share that is not even a curve point: fall back to checking shares one by one.
    return null;
  }
}

/** JSON-safe form of a threshold key, for the data directory. */
export interface SerializedThresholdKey {
  readonly threshold: number;
  readonly publicKey: string;
  readonly shares: readonly { index: number; secretShare: string; publicShare: string }[];
}

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

/** Serialises a threshold key (secret shares included: keep the result private). */
export function serializeThresholdKey(key: ThresholdKey): SerializedThresholdKey {
  return {
    threshold: key.threshold,
    publicKey: toHex(key.publicKey),
    shares: key.shares.map((s) => ({
      index: s.index,
      secretShare: s.secretShare.toString(16),
      publicShare: toHex(s.publicShare),
    })),
  };
}

/** Inverse of `serializeThresholdKey`; checks every public share against its secret share. */
export function deserializeThresholdKey(value: SerializedThresholdKey): ThresholdKey {
  try {
    const shares = value.shares.map((s) => {
      const secretShare = BigInt(`0x${s.secretShare}`);
      const publicShare = fromHex(s.publicShare);
      if (toHex(G2.BASE.multiply(secretShare).toBytes()) !== s.publicShare) {
        throw new Error(`share ${s.index} does not match its public share`);
      }
      return { index: s.index, secretShare, publicShare };
    });
    return { threshold: value.threshold, publicKey: fromHex(value.publicKey), shares };
  } catch (error) {
    throw new CitadelError(
      'input',
      ThresholdErrorCode.INVALID_KEY_MATERIAL,
      `Threshold key material is invalid: ${error instanceof Error ? error.message : String(error)}`,
      {},
      { cause: error },
    );
  }
}
