export {
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
} from './encode-public-key-der.js';
export { KeyErrorCode } from './errors.js';
export { parsePublicKeyDer } from './parse-public-key-der.js';
export type {
  CanisterSignaturePublicKey,
  FixedPrefixKeyKind,
  FixedPrefixPublicKey,
  ParsedPublicKey,
  PublicKeyKind,
  WebAuthnPublicKey,
} from './types.js';
