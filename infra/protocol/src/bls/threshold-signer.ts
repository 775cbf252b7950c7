import { CitadelError } from '../errors.js';
import { BLS_SIGNATURE_BYTES, decodeG1, pairingCheck } from './curve.js';
import type { G1Point, G2Point } from './curve.js';
import { BlsErrorCode } from './errors.js';
import { combineShares, hashMessage, interpolateG1, interpolateG2 } from './shares.js';
import type { HashedMessage, SignatureShare } from './shares.js';
import { decodePublicKey } from './verify.js';

/** One node of a threshold signer; tests inject faulty ones. */
export interface NodeSigner {
  /** The node's 1-based share index. */
  readonly nodeIndex: number;
  /**
   * Returns the node's signature share (48 bytes) of `message.message`, typically
   * `signShare(share, message)`; may be wrong or throw.
   */
  signShare(message: HashedMessage): Uint8Array;
}

/** Parameters of {@link createThresholdSigner}. */
export interface ThresholdSignerParams {
  /** The 96-byte G2 threshold public key every signature must verify under. */
  readonly publicKey: Uint8Array;
  /** Shares needed for a signature. */
  readonly threshold: number;
  /** The nodes, asked in this order. */
  readonly nodes: readonly NodeSigner[];
  /**
   * 96-byte public shares by node index. With them a bad share is identified by one pairing
   * check; for nodes without one the signer searches for a subset that combines correctly.
   */
  readonly publicShares?: ReadonlyMap<number, Uint8Array>;
  /** Told about each node whose share was missing or wrong, for diagnostics. */
  readonly onFaultyShare?: (nodeIndex: number, reason: string) => void;
}

/** Produces full threshold signatures. */
export interface ThresholdSigner {
  /** A 48-byte BLS signature of `message` under the threshold public key. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Upper bound on share subsets tried when nodes have no public shares; C(n, t) stays far below
 * it for local networks (C(4, 3) = 4), and it caps the work a broken configuration can cause.
 */
const MAX_SUBSETS_TRIED = 1024;

/**
 * Creates a threshold signer: `sign` collects shares from the first `threshold` nodes,
 * combines them and checks the result against the public key. Only if that fails does it ask
 * the remaining nodes, drop shares that fail their own check (or, for nodes without a public
 * share, search for a subset that combines correctly) and recombine. Throws
 * PROTO_BLS_NOT_ENOUGH_SHARES (kind 'trust') when fewer than `threshold` good shares remain.
 * @example
 * const signer = createThresholdSigner({
 *   publicKey: key.publicKey,
 *   threshold: key.threshold,
 *   publicShares: new Map(key.shares.map((share) => [share.index, share.publicShare])),
 *   nodes: key.shares.map((share) => ({
 *     nodeIndex: share.index,
 *     signShare: (message) => signShare(share, message),
 *   })),
 * });
 */
export function createThresholdSigner(params: ThresholdSignerParams): ThresholdSigner {
  const { threshold, nodes } = params;
  const publicKey = decodePublicKey(params.publicKey, 'threshold public key');
  const indices = nodes.map((node) => node.nodeIndex);
  if (
    !Number.isSafeInteger(threshold) ||
    threshold < 1 ||
    nodes.length < threshold ||
    indices.some(
      (index, i) => !Number.isSafeInteger(index) || index < 1 || indices.indexOf(index) !== i,
    )
  ) {
    throw new CitadelError(
      'input',
      BlsErrorCode.INVALID_PARAMETERS,
      `A threshold signer needs at least threshold (${threshold}) nodes with distinct positive indices; got [${indices.join(', ')}].`,
      { threshold, indices },
    );
  }
  const report = params.onFaultyShare ?? (() => {});
  const publicShares = new Map<number, G2Point>();
  for (const [index, bytes] of params.publicShares ?? []) {
    publicShares.set(index, decodePublicKey(bytes, `public share of node ${index}`));
  }

  // Whether the public shares interpolate to the public key: checked once, on first use, so
  // the pairing-free fast path never combines shares of some other key.
  let keyCheck: boolean | null = null;
  const publicSharesFitKey = (): boolean => {
    if (keyCheck === null) {
      const basis = nodes.slice(0, threshold).map((node) => publicShares.get(node.nodeIndex));
      if (nodes.some((node) => !publicShares.has(node.nodeIndex))) {
        keyCheck = false;
      } else if (
        !interpolateG2(basis as G2Point[], indices.slice(0, threshold), 0n).equals(publicKey)
      ) {
        throw new CitadelError(
          'trust',
          BlsErrorCode.INVALID_KEY_MATERIAL,
          'The public shares belong to a different key than the threshold public key.',
          { threshold },
        );
      } else {
        keyCheck = true;
      }
    }
    return keyCheck;
  };

  return {
    sign(message) {
      const hashed = hashMessage(message);
      const verifies = (signature: Uint8Array, key: G2Point = publicKey): boolean => {
        const point = decodeG1(signature);
        return point !== null && pairingCheck(key, hashed.point, point);
      };
      const faults = new Map<number, string>();
      const shares = new Map<number, DecodedShare>();
      const collect = (node: NodeSigner): void => {
        const outcome = askNode(node, hashed);
        if (typeof outcome === 'string') {
          faults.set(node.nodeIndex, outcome);
          report(node.nodeIndex, outcome);
        } else {
          shares.set(node.nodeIndex, outcome);
        }
      };

      // Fast path, no pairing: hear every node and check that all shares lie on one
      // polynomial of degree threshold − 1. With at most n − t faulty nodes (one of four,
      // the IC's n ≥ 3f + 1) the honest shares fix that polynomial, so consistent shares
      // are correct shares and any t of them combine into the right signature.
      let next = 0;
      if (nodes.length > threshold && publicSharesFitKey()) {
        while (next < nodes.length) {
          collect(nodes[next++] as NodeSigner);
        }
        if (shares.size === nodes.length) {
          const signature = combineIfConsistent([...shares.values()], threshold);
          if (signature !== null) {
            return signature;
          }
        }
      }
      while (shares.size < threshold && next < nodes.length) {
        collect(nodes[next++] as NodeSigner);
      }
      if (shares.size === threshold) {
        const signature = combineShares([...shares.values()], threshold);
        if (verifies(signature)) {
          return signature;
        }
      }

      // Slow path: something was wrong. Hear every node, then keep only shares that check out.
      while (next < nodes.length) {
        collect(nodes[next++] as NodeSigner);
      }
      const candidates: SignatureShare[] = [];
      for (const node of nodes) {
        const share = shares.get(node.nodeIndex);
        if (share === undefined) {
          continue;
        }
        const publicShare = publicShares.get(node.nodeIndex);
        if (publicShare === undefined || verifies(share.signature, publicShare)) {
          candidates.push(share);
        } else {
          const reason = 'its signature share does not verify under its public share';
          faults.set(node.nodeIndex, reason);
          report(node.nodeIndex, reason);
        }
      }
      const allVerified = nodes.every(
        (node) => publicShares.has(node.nodeIndex) || !shares.has(node.nodeIndex),
      );
      if (candidates.length >= threshold) {
        if (allVerified) {
          const signature = combineShares(candidates, threshold);
          if (verifies(signature)) {
            return signature;
          }
          // Shares that each verify but do not combine: the public shares belong to another key.
          throw new CitadelError(
            'trust',
            BlsErrorCode.INVALID_KEY_MATERIAL,
            'Signature shares verify under their public shares but do not combine into a signature under the threshold public key; the public shares belong to a different key.',
            { threshold },
          );
        } else {
          const found = searchSubsets(candidates, threshold, verifies);
          if (found !== null) {
            return found;
          }
        }
      }
      throw new CitadelError(
        'trust',
        BlsErrorCode.NOT_ENOUGH_SHARES,
        `Cannot produce a BLS signature: fewer than ${threshold} of the ${nodes.length} nodes gave valid signature shares (faulty: ${describeFaults(faults)}).`,
        { threshold, nodes: nodes.length, faulty: Object.fromEntries(faults) },
      );
    },
  };
}

/**
 * Combines the first `threshold` shares if every further share equals the polynomial through
 * them at its index; `null` when some share disagrees.
 */
function combineIfConsistent(
  shares: readonly DecodedShare[],
  threshold: number,
): Uint8Array | null {
  const points = shares.map((share) => share.point);
  const basis = points.slice(0, threshold);
  const basisIndices = shares.slice(0, threshold).map((share) => share.index);
  for (let j = threshold; j < shares.length; j++) {
    const expected = interpolateG1(basis, basisIndices, BigInt((shares[j] as DecodedShare).index));
    if (!expected.equals(points[j] as G1Point)) {
      return null;
    }
  }
  return interpolateG1(basis, basisIndices, 0n).toBytes(true);
}

/** A node's share, or why it has none. A node that throws is a faulty node, not a crash. */
function askNode(node: NodeSigner, message: HashedMessage): DecodedShare | string {
  let signature: Uint8Array;
  try {
    signature = node.signShare(message);
  } catch (error) {
    return `it failed to sign: ${error instanceof Error ? error.message : String(error)}`;
  }
  const point =
    signature instanceof Uint8Array && signature.length === BLS_SIGNATURE_BYTES
      ? decodeG1(signature)
      : null;
  if (point === null) {
    return `it returned ${signature instanceof Uint8Array ? `${signature.length} bytes that are not a G1 point` : 'no bytes'}`;
  }
  return { index: node.nodeIndex, signature, point };
}

/** A share with its curve point, decoded once when the node answers. */
interface DecodedShare extends SignatureShare {
  readonly point: G1Point;
}

/** Tries t-subsets of the shares (in order) until one combines into a valid signature. */
function searchSubsets(
  shares: readonly SignatureShare[],
  threshold: number,
  verifies: (signature: Uint8Array) => boolean,
): Uint8Array | null {
  const chosen: number[] = [];
  let tried = 0;
  const visit = (start: number): Uint8Array | null => {
    if (chosen.length === threshold) {
      tried += 1;
      const signature = combineShares(
        chosen.map((i) => shares[i] as SignatureShare),
        threshold,
      );
      return verifies(signature) ? signature : null;
    }
    for (let i = start; i < shares.length && tried < MAX_SUBSETS_TRIED; i++) {
      chosen.push(i);
      const found = visit(i + 1);
      chosen.pop();
      if (found !== null) {
        return found;
      }
    }
    return null;
  };
  return visit(0);
}

function describeFaults(faults: ReadonlyMap<number, string>): string {
  if (faults.size === 0) {
    return 'none identified';
  }
  return [...faults].map(([index, reason]) => `node ${index}: ${reason}`).join('; ');
}
