export { SignatureErrorCode } from './errors.js';
export { createSignatureVerifier, verifySignature } from './signature-verifier.js';
export type {
  KeySignatureVerifier,
  SignatureCheck,
  SignatureVerifier,
  SignatureVerifierOptions,
} from './types.js';
export { verifyWebAuthnSignature } from './webauthn.js';
