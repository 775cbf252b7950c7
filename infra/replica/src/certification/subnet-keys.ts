import { createHash, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import type { HashedMessage, ThresholdKey } from '@citadel/protocol';
import {
  CitadelError,
  canisterIdFromIndex,
  createThresholdSigner,
  deserializeThresholdKey,
  encodePublicKeyDer,
  generateThresholdKey,
  selfAuthenticatingPrincipal,
  serializeThresholdKey,
  signShare,
} from '@citadel/protocol';
import type { QuerySigningNode } from '../http/query-signature.js';
import { DataDirErrorCode } from '../persistence/errors.js';
import type { StateSigner } from './certifier.js';
import type { SubnetIdentity } from './state-tree.js';

/** Nodes of the local subnet; any `THRESHOLD` of them can certify a state. */
export const NODE_COUNT = 4;
/** Signature shares needed for a certificate (tolerates one faulty node of four). */
export const THRESHOLD = 3;

/** Secret key material of a network: what must survive restarts so clients keep trusting it. */
export interface KeyMaterial {
  readonly threshold: ThresholdKey;
  /** Ed25519 seeds (32 bytes) of the nodes, used to sign query responses. */
  readonly nodeSeeds: readonly Uint8Array[];
}

/** The public face of the subnet plus the signers the replica uses. */
export interface SubnetKeys {
  readonly rootKeyDer: Uint8Array;
  readonly subnetId: Uint8Array;
  readonly subnet: SubnetIdentity;
  readonly stateSigner: StateSigner;
  readonly queryNode: QuerySigningNode;
  /** A secret derived from the node keys, for the subnet's deterministic randomness. */
  readonly randomSeed: Uint8Array;
}

/** Creates fresh key material: a 3-of-4 threshold BLS key and four node keys. */
export function generateKeyMaterial(): KeyMaterial {
  return {
    threshold: generateThresholdKey({ nodeCount: NODE_COUNT, threshold: THRESHOLD }),
    nodeSeeds: Array.from({ length: NODE_COUNT }, () => new Uint8Array(randomBytes(32))),
  };
}

/** JSON-safe form of key material, for the data directory. */
export function serializeKeyMaterial(material: KeyMaterial): Record<string, unknown> {
  return {
    version: 1,
    threshold: serializeThresholdKey(material.threshold),
    nodeSeeds: material.nodeSeeds.map((seed) => Buffer.from(seed).toString('hex')),
  };
}

/** Inverse of `serializeKeyMaterial`; throws on anything it did not write. */
export function deserializeKeyMaterial(json: unknown): KeyMaterial {
  const value = json as { version?: unknown; threshold?: unknown; nodeSeeds?: unknown };
  if (value.version !== 1 || !Array.isArray(value.nodeSeeds) || value.nodeSeeds.length === 0) {
    throw new CitadelError(
      'input',
      DataDirErrorCode.UNREADABLE_KEYS,
      'The key file has an unsupported version or no node keys.',
      { version: value.version },
    );
  }
  return {
    threshold: deserializeThresholdKey(
      value.threshold as Parameters<typeof deserializeThresholdKey>[0],
    ),
    nodeSeeds: value.nodeSeeds.map((hex: unknown) =>
      Uint8Array.from(Buffer.from(String(hex), 'hex')),
    ),
  };
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Options of `createSubnetKeys`. */
export interface SubnetKeysOptions {
  /** Node indexes (1-based) whose BLS shares are corrupted, to exercise share validation. */
  readonly faultyNodes?: readonly number[];
}

/** Derives the subnet's identity and signers from key material. */
export function createSubnetKeys(
  material: KeyMaterial,
  options: SubnetKeysOptions = {},
): SubnetKeys {
  const rootKeyDer = encodePublicKeyDer('bls12381-g2', material.threshold.publicKey);
  // Without a delegation the agent takes the subnet id to be the root key's
  // self-authenticating principal (ic-protocol.md pitfall 2).
  const subnetId = selfAuthenticatingPrincipal(rootKeyDer);
  const nodes = material.nodeSeeds.map((seed) => {
    const privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKeyDer = new Uint8Array(
      createPublicKey(privateKey).export({ format: 'der', type: 'spki' }),
    );
    return {
      nodeId: selfAuthenticatingPrincipal(publicKeyDer),
      publicKeyDer,
      sign: (message: Uint8Array) => new Uint8Array(sign(null, message, privateKey)),
    };
  });
  const faulty = new Set(options.faultyNodes ?? []);
  const stateSigner = createThresholdSigner({
    publicKey: material.threshold.publicKey,
    threshold: material.threshold.threshold,
    publicShares: new Map(
      material.threshold.shares.map((share) => [share.index, share.publicShare] as const),
    ),
    nodes: material.threshold.shares.map((share) => ({
      nodeIndex: share.index,
      signShare: (message: HashedMessage) =>
        faulty.has(share.index)
          ? signShare(share, Uint8Array.of(...message.message, 0))
          : signShare(share, message),
    })),
  });
  const firstNode = nodes[0];
  if (!firstNode) {
    throw new CitadelError(
      'input',
      DataDirErrorCode.UNREADABLE_KEYS,
      'The key material has no node keys.',
    );
  }
  return {
    rootKeyDer,
    subnetId,
    subnet: {
      subnetId,
      publicKeyDer: rootKeyDer,
      canisterRanges: [[canisterIdFromIndex(0n), canisterIdFromIndex(2n ** 64n - 1n)]],
      nodes: nodes.map(({ nodeId, publicKeyDer }) => ({ nodeId, publicKeyDer })),
    },
    stateSigner,
    queryNode: firstNode,
    randomSeed: new Uint8Array(
      createHash('sha256')
        .update('citadel random seed\0')
        .update(Buffer.concat(material.nodeSeeds))
        .digest(),
    ),
  };
}
