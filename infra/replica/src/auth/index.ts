export type { SignatureVerifier } from '@citadel/protocol';
export {
  MAX_DELEGATIONS,
  MAX_DELEGATION_ITEMS,
  MAX_TARGETS_PER_DELEGATION,
  verifyDelegationChain,
} from './delegation-chain.js';
export type { DelegationChainResult, VerifyDelegationChainParams } from './delegation-chain.js';
export { IngressError, IngressErrorCode } from './errors.js';
export type { IngressHttpStatus } from './errors.js';
export { MAX_INGRESS_TTL_NS, PERMITTED_DRIFT_NS, assertIngressExpiry } from './ingress-expiry.js';
export { parseEnvelope } from './parse-envelope.js';
export type { ParsedEnvelope, SignedDelegation } from './parse-envelope.js';
export type {
  CallContent,
  CommonContent,
  IngressEndpoint,
  QueryContent,
  ReadStateContent,
  RequestContent,
  ValidateEnvelopeParams,
  ValidatedRequest,
} from './types.js';
export {
  MAX_CONTENT_ITEMS,
  MAX_INGRESS_BYTES_PER_MESSAGE,
  MAX_LABELS_PER_PATH,
  MAX_NONCE_BYTES,
  MAX_READ_STATE_PATHS,
  validateEnvelope,
} from './validate-envelope.js';
