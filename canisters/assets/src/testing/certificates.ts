import {
  type HashedMessage,
  canisterIdFromIndex,
  createThresholdSigner,
  encodeCertificate,
  encodeLeb128,
  encodePublicKeyDer,
  generateThresholdKey,
  hashStateTree,
  signShare,
  stateNode,
  stateRootMessage,
  toHashTree,
} from '@citadel/protocol';

/**
 * Test support: data certificates signed by a fresh BLS root key, as a replica hands them to
 * a canister, so responses can be checked by the unmodified `@dfinity/response-verification`.
 */

export const TEST_CANISTER_ID = canisterIdFromIndex(7n);
export const TEST_NOW_NS = BigInt(Date.now()) * 1_000_000n;
export const FIVE_MINUTES_NS = 300_000_000_000n;

const key = generateThresholdKey({ nodeCount: 1, threshold: 1 });
export const TEST_ROOT_KEY = encodePublicKeyDer('bls12381-g2', key.publicKey);
const signer = createThresholdSigner({
  publicKey: key.publicKey,
  threshold: 1,
  nodes: key.shares.map((share) => ({
    nodeIndex: share.index,
    signShare: (message: HashedMessage) => signShare(share, message),
  })),
});

/** The certificate a replica would give the test canister for `certifiedData` now. */
export function dataCertificate(certifiedData: Uint8Array): Uint8Array {
  const tree = stateNode([
    ['canister', stateNode([[TEST_CANISTER_ID, stateNode([['certified_data', certifiedData]])]])],
    ['time', encodeLeb128(TEST_NOW_NS)],
  ]);
  const signature = signer.sign(stateRootMessage(hashStateTree(tree)));
  return encodeCertificate({ tree: toHashTree(tree), signature });
}
