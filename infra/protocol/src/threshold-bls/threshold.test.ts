import { blsVerify } from '@dfinity/agent';
import { bls12_381 } from '@noble/curves/bls12-381';
import { describe, expect, it } from 'vitest';
import { isCitadelError } from '../errors.js';
import {
  ThresholdErrorCode,
  combineShares,
  createThresholdSigner,
  deserializeThresholdKey,
  generateThresholdKey,
  serializeThresholdKey,
  signShare,
  verifyShare,
} from './threshold.js';
import type { HashedMessage, NodeSigner, ThresholdKey } from './threshold.js';

const message = new TextEncoder().encode('\x0dic-state-root' + 'x'.repeat(32));
const key = generateThresholdKey({ nodeCount: 4, threshold: 3 });
const honestNodes = (k: ThresholdKey): NodeSigner[] =>
  k.shares.map((share) => ({
    nodeIndex: share.index,
    signShare: (m) => signShare(share, m),
  }));
const publicShares = new Map(key.shares.map((s) => [s.index, s.publicShare] as const));

describe('threshold BLS', () => {
  it('combines any three of four shares into the same signature, which verifies under the public key', () => {
    const shares = key.shares.map((s) => ({ index: s.index, signature: signShare(s, message) }));
    const a = combineShares([shares[0]!, shares[1]!, shares[2]!], 3);
    const b = combineShares([shares[3]!, shares[1]!, shares[0]!], 3);
    expect(b).toEqual(a);
    expect(a).toHaveLength(48);
    expect(key.publicKey).toHaveLength(96);
    expect(
      bls12_381.verifyShortSignature(a, bls12_381.shortSignatures.hash(message), key.publicKey),
    ).toBe(true);
  });

  it('produces signatures that the agent’s BLS verifier accepts', () => {
    const signer = createThresholdSigner({
      publicKey: key.publicKey,
      threshold: 3,
      nodes: honestNodes(key),
      publicShares,
    });
    expect(blsVerify(key.publicKey, signer.sign(message), message)).toBe(true);
  });

  it('fails to verify when only two shares are combined as if they were three', () => {
    const shares = key.shares
      .slice(0, 2)
      .map((s) => ({ index: s.index, signature: signShare(s, message) }));
    expect(() => combineShares(shares, 3)).toThrowError(
      expect.objectContaining({ code: ThresholdErrorCode.NOT_ENOUGH_SHARES }),
    );
  });

  it('verifies each share against its node’s public share', () => {
    const share = key.shares[0]!;
    expect(verifyShare(share.publicShare, message, signShare(share, message))).toBe(true);
    expect(verifyShare(key.shares[1]!.publicShare, message, signShare(share, message))).toBe(false);
  });

  it('detects a node handing out a wrong share and still signs with the others', () => {
    const nodes = honestNodes(key);
    nodes[0] = {
      nodeIndex: 1,
      signShare: (m) => signShare(key.shares[0]!, Uint8Array.of(...m.message, 1)),
    };
    const signer = createThresholdSigner({
      publicKey: key.publicKey,
      threshold: 3,
      nodes,
      publicShares,
    });
    expect(blsVerify(key.publicKey, signer.sign(message), message)).toBe(true);
  });

  it('fails with not-enough-shares when two of four nodes misbehave', () => {
    const nodes = honestNodes(key).map((node, i) =>
      i < 2
        ? {
            nodeIndex: node.nodeIndex,
            signShare: (m: HashedMessage) => signShare(key.shares[i]!, Uint8Array.of(...m.message, 9)),
          }
        : node,
    );
    const signer = createThresholdSigner({
      publicKey: key.publicKey,
      threshold: 3,
      nodes,
      publicShares,
    });
    let error: unknown;
    try {
      signer.sign(message);
    } catch (e) {
      error = e;
    }
    expect(isCitadelError(error, ThresholdErrorCode.NOT_ENOUGH_SHARES)).toBe(true);
  });

  it('round-trips key material through its serialised form and rejects tampered shares', () => {
    const copy = deserializeThresholdKey(serializeThresholdKey(key));
    expect(copy.publicKey).toEqual(key.publicKey);
    expect(copy.shares.map((s) => s.secretShare)).toEqual(key.shares.map((s) => s.secretShare));
    const serialized = serializeThresholdKey(key);
    const tampered = {
      ...serialized,
      shares: serialized.shares.map((s, i) => (i === 0 ? { ...s, secretShare: '1' } : s)),
    };
    expect(() => deserializeThresholdKey(tampered)).toThrowError(
      expect.objectContaining({ code: ThresholdErrorCode.INVALID_KEY_MATERIAL }),
    );
  });

  it('rejects a threshold larger than the node count', () => {
    expect(() => generateThresholdKey({ nodeCount: 2, threshold: 3 })).toThrowError(
      expect.objectContaining({ code: ThresholdErrorCode.INVALID_PARAMETERS }),
    );
  });
});
