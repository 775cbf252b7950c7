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
export { bytesEqual, bytesToHex, compareBytes, concatBytes } from './byte-order.js';

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
  verifyCertificateAuthenticity,
} from './certificate/index.js';
export type {
  BlsVerify,
  Certificate,
  CertificateDelegation,
  VerifyCertificateAuthenticityOptions,
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
  KeyErrorCode,
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
  parsePublicKeyDer,
} from './keys/index.js';
export type {
  CanisterSignaturePublicKey,
  ParsedPublicKey,
  PublicKeyKind,
  WebAuthnPublicKey,
} from './keys/index.js';
export {
  CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE,
  CanisterSignatureErrorCode,
  SignatureErrorCode,
  createCanisterSignatureVerifier,
  createSignatureVerifier,
  verifySignature,
  verifyWebAuthnSignature,
} from './signatures/index.js';
export type {
  CanisterSignatureVerifierOptions,
  KeySignatureVerifier,
  SignatureCheck,
  SignatureVerifier,
  SignatureVerifierOptions,
} from './signatures/index.js';
export {
  BlsErrorCode,
  combineShares,
  createThresholdSigner,
  deserializeThresholdKey,
  generateThresholdKey,
  hashMessage,
  serializeThresholdKey,
  signShare,
  verifyBlsSignature,
  verifyShare,
} from './bls/index.js';
export type {
  HashedMessage,
  NodeSigner,
  SerializedThresholdKey,
  ThresholdKey,
  ThresholdKeyShare,
  ThresholdSigner,
} from './bls/index.js';
