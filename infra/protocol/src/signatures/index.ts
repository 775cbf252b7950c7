export {
  CANISTER_SIGNATURE_CERTIFICATE_CACHE_SIZE,
  createCanisterSignatureVerifier,
} from './canister-signature.js';
export type { CanisterSignatureVerifierOptions } from './canister-signature.js';
export { CanisterSignatureErrorCode, SignatureErrorCode } from './errors.js';
export { createSignatureVerifier, verifySignature } from './signature-verifier.js';
export type {
  KeySignatureVerifier,
  SignatureCheck,
  SignatureVerifier,
  SignatureVerifierOptions,
} from './types.js';
export { verifyWebAuthnSignature } from './webauthn.js';
