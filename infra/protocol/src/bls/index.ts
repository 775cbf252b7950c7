export { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES, BLS_SIGNATURE_DST } from './curve.js';
export { BlsErrorCode } from './errors.js';
export { deserializeThresholdKey, serializeThresholdKey } from './serialize.js';
export type { SerializedThresholdKey } from './serialize.js';
export { combineShares, hashMessage, signShare, verifyShare } from './shares.js';
export type { HashedMessage, SignatureShare } from './shares.js';
export { MAX_THRESHOLD_NODES, generateThresholdKey } from './threshold-key.js';
export type {
  GenerateThresholdKeyParams,
  ThresholdKey,
  ThresholdKeyShare,
} from './threshold-key.js';
export { createThresholdSigner } from './threshold-signer.js';
export type { NodeSigner, ThresholdSigner, ThresholdSignerParams } from './threshold-signer.js';
export { verifyBlsSignature } from './verify.js';
