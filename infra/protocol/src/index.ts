// Public surface of @citadel/protocol: IC protocol primitives without I/O.
export { CitadelError, isCitadelError } from './errors.js';
export type { ErrorKind } from './errors.js';

export {
  CBOR_DEFAULT_MAX_DEPTH,
  CBOR_SELF_DESCRIBE_TAG,
  CborErrorCode,
  CborTag,
  decodeCbor,
  encodeCbor,
  isCborMap,
} from './cbor/index.js';
export type {
  CborMap,
  CborTagged,
  CborValue,
  DecodeCborOptions,
  EncodeCborOptions,
} from './cbor/index.js';

export {
  decodeLeb128,
  decodeSleb128,
  encodeLeb128,
  encodeSleb128,
  Leb128ErrorCode,
} from './leb128.js';
export { DomainSeparator, domainSeparated } from './domain-separator.js';
export { RequestIdErrorCode, hashOfMap, requestIdOf } from './request-id.js';
export type { RequestId } from './request-id.js';
export { bytesEqual, compareBytes } from './byte-order.js';

export {
  EMPTY_TREE_HASH,
  HashTreeErrorCode,
  StateTreeNode,
  decodeHashTree,
  hashStateTree,
  isWellFormedHashTree,
  lookupPath,
  reconstruct,
  stateNode,
  toHashTree,
  witness,
} from './hash-tree/index.js';
export type {
  HashTree,
  LookupResult,
  PathLabel,
  StateTree,
  WitnessOptions,
} from './hash-tree/index.js';

export {
  CERTIFICATE_MAX_SKEW_NS,
  CertificateErrorCode,
  decodeCertificate,
  encodeCertificate,
  stateRootMessage,
  verifyCertificate,
} from './certificate/index.js';
export type {
  BlsVerify,
  Certificate,
  CertificateDelegation,
  VerifyCertificateOptions,
} from './certificate/index.js';

export {
  ANONYMOUS_PRINCIPAL,
  MANAGEMENT_CANISTER_ID,
  PRINCIPAL_MAX_BYTES,
  PrincipalErrorCode,
  canisterIdFromIndex,
  comparePrincipals,
  principalFromText,
  principalToText,
  selfAuthenticatingPrincipal,
} from './principal.js';

export {
  PublicKeyErrorCode,
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
  parsePublicKeyDer,
} from './public-key/der.js';
export type { ParsedPublicKey, PublicKeyKind } from './public-key/der.js';
export { SignatureErrorCode, createSignatureVerifier } from './signature/verifier.js';
export type {
  SchemeVerifier,
  SignatureVerifier,
  SignatureVerifierOptions,
} from './signature/verifier.js';
export { verifyBlsSignature } from './threshold-bls/bls.js';
export {
  ThresholdErrorCode,
  combineShares,
  createThresholdSigner,
  deserializeThresholdKey,
  generateThresholdKey,
  hashMessage,
  serializeThresholdKey,
  signShare,
  verifyShare,
} from './threshold-bls/threshold.js';
export type {
  HashedMessage,
  KeyShare,
  NodeSigner,
  SerializedThresholdKey,
  ThresholdKey,
  ThresholdSigner,
} from './threshold-bls/threshold.js';
