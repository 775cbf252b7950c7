import { blsVerify } from '@dfinity/agent';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { BlsErrorCode } from './errors.js';
import { hashMessage, signShare } from './shares.js';
import type { HashedMessage } from './shares.js';
import { generateThresholdKey } from './threshold-key.js';
import type { ThresholdKey } from './threshold-key.js';
import { createThresholdSigner } from './threshold-signer.js';
import type { NodeSigner } from './threshold-signer.js';

const KEY = generateThresholdKey({ nodeCount: 4, threshold: 3 });
const MESSAGE = new TextEncoder().encode('\x0Dic-state-root and a root hash');

type Fault = 'wrong-message' | 'garbage' | 'throws';

/** Nodes of `key`; those listed in `faults` misbehave. */
function nodesOf(key: ThresholdKey, faults: Readonly<Record<number, Fault>> = {}): NodeSigner[] {
  return key.shares.map((share) => ({
    nodeIndex: share.index,
    signShare: (message: HashedMessage) => {
      switch (faults[share.index]) {
        case 'wrong-message':
          return signShare(share, new Uint8Array([...message.message, 0]));
        case 'garbage':
          return new Uint8Array(48).fill(0xff);
        case 'throws':
          throw new Error('node is down');
        default:
          return signShare(share, message);
      }
    },
  }));
}

/** A signer over `nodes`; `withPublicShares` toggles the one-pairing-per-share check. */
function signerOf(nodes: NodeSigner[], faulty: number[] = [], withPublicShares = true) {
  return createThresholdSigner({
    publicKey: KEY.publicKey,
    threshold: KEY.threshold,
    nodes,
    ...(withPublicShares
      ? { publicShares: new Map(KEY.shares.map((share) => [share.index, share.publicShare])) }
      : {}),
    onFaultyShare: (nodeIndex) => faulty.push(nodeIndex),
  });
}

const verifies = (signature: Uint8Array): boolean =>
  bls12_381.verifyShortSignature(signature, MESSAGE, KEY.publicKey) &&
  blsVerify(KEY.publicKey, signature, MESSAGE);

describe('createThresholdSigner', () => {
  for (const index of [1, 2, 3, 4]) {
    it(`sign rejects an inconsistent share from node ${index} and still signs with the others`, () => {
      const faulty: number[] = [];
      const signature = signerOf(nodesOf(KEY, { [index]: 'wrong-message' }), faulty).sign(MESSAGE);
      expect(verifies(signature)).toBe(true);
      expect(faulty).toEqual([index]);
    });
  }

  it('sign produces a signature that noble and the agent verify when all nodes are honest', () => {
    const faulty: number[] = [];
    expect(verifies(signerOf(nodesOf(KEY), faulty).sign(MESSAGE))).toBe(true);
    expect(faulty).toEqual([]);
  });

  for (const withPublicShares of [true, false]) {
    const mode = withPublicShares ? 'with public shares' : 'without public shares';

    it(`sign detects a corrupted share from one node and still signs (${mode})`, () => {
      const faulty: number[] = [];
      const signer = signerOf(nodesOf(KEY, { 2: 'wrong-message' }), faulty, withPublicShares);
      const signature = signer.sign(MESSAGE);
      expect(verifies(signature)).toBe(true);
      // Without public shares the culprit is found by trying subsets, not named per node.
      expect(faulty).toEqual(withPublicShares ? [2] : []);
    });

    it(`sign fails with PROTO_BLS_NOT_ENOUGH_SHARES when two of four nodes are corrupted (${mode})`, () => {
      const nodes = nodesOf(KEY, { 1: 'wrong-message', 4: 'wrong-message' });
      const signer = signerOf(nodes, [], withPublicShares);
      try {
        signer.sign(MESSAGE);
        expect.fail('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(CitadelError);
        expect((error as CitadelError).code).toBe(BlsErrorCode.NOT_ENOUGH_SHARES);
        expect((error as CitadelError).kind).toBe('trust');
      }
    });
  }

  it('sign treats a node that throws as faulty and signs with the others', () => {
    const faulty: number[] = [];
    expect(verifies(signerOf(nodesOf(KEY, { 1: 'throws' }), faulty).sign(MESSAGE))).toBe(true);
    expect(faulty).toEqual([1]);
  });

  it('sign treats a node that returns bytes that are not a G1 point as faulty', () => {
    const faulty: number[] = [];
    expect(verifies(signerOf(nodesOf(KEY, { 3: 'garbage' }), faulty).sign(MESSAGE))).toBe(true);
    expect(faulty).toEqual([3]);
  });

  it('sign names the faulty nodes when it cannot sign', () => {
    const signer = signerOf(nodesOf(KEY, { 1: 'throws', 2: 'garbage' }));
    expect(() => signer.sign(MESSAGE)).toThrow(/node 1: it failed to sign: node is down; node 2/);
  });

  it('sign fails with PROTO_BLS_INVALID_KEY_MATERIAL when the public shares belong to another key', () => {
    const other = generateThresholdKey({ nodeCount: 4, threshold: 3 });
    const signer = createThresholdSigner({
      publicKey: KEY.publicKey,
      threshold: 3,
      publicShares: new Map(other.shares.map((share) => [share.index, share.publicShare])),
      nodes: nodesOf(other),
    });
    expect(() => signer.sign(MESSAGE)).toThrow(/belong to a different key/);
  });

  it('createThresholdSigner fails with PROTO_BLS_INVALID_PARAMETERS with fewer nodes than the threshold', () => {
    expect(() => signerOf(nodesOf(KEY).slice(0, 2))).toThrow(/at least threshold/);
  });

  it('createThresholdSigner fails with PROTO_BLS_INVALID_PARAMETERS for repeated node indices', () => {
    const [first] = nodesOf(KEY);
    expect(() => signerOf([first, first, first] as NodeSigner[])).toThrow(CitadelError);
  });
});

describe('hashMessage', () => {
  it('signShare gives the same share for a message and its hashMessage', () => {
    const [share] = KEY.shares;
    if (!share) {
      throw new Error('no share');
    }
    expect(signShare(share, hashMessage(MESSAGE))).toEqual(signShare(share, MESSAGE));
  });
});
