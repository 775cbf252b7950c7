import { CitadelError } from '../errors.js';
import { parsePublicKeyDer } from '../keys/parse-public-key-der.js';
import type { ParsedPublicKey } from '../keys/types.js';
import { checkEcdsaSignature, checkEd25519Signature } from './basic-signatures.js';
import { SignatureErrorCode } from './errors.js';
import type { SignatureCheck, SignatureVerifier, SignatureVerifierOptions } from './types.js';

/**
 * Creates the signature registry the ingress validator uses (interface spec "Signatures";
 * digest §3.3). Ed25519 and both ECDSA curves are built in; WebAuthn and canister signatures
 * are plug-ins because they need CBOR envelopes or a root of trust.
 * @example
 * const verifier = createSignatureVerifier({ webauthn: verifyWebAuthnSignature });
 * verifier.verify(senderPubkeyDer, domainSeparated('ic-request', requestId), senderSig);
 */
export function createSignatureVerifier(options: SignatureVerifierOptions = {}): SignatureVerifier {
  function checkParsed(
    key: ParsedPublicKey,
    message: Uint8Array,
    signature: Uint8Array,
  ): SignatureCheck {
    switch (key.kind) {
      case 'ed25519':
        return checkEd25519Signature(key.raw, message, signature);
      case 'ecdsa-p256':
        return checkEcdsaSignature('p256', key.raw, message, signature);
      case 'ecdsa-secp256k1':
        return checkEcdsaSignature('secp256k1', key.raw, message, signature);
      case 'webauthn':
        if (options.webauthn) {
          return options.webauthn(key, message, signature);
        }
        throw unsupported(
          key.kind,
          'WebAuthn keys need the `webauthn` plug-in of createSignatureVerifier',
        );
      case 'canister-signature':
        if (options.canisterSignature) {
          return options.canisterSignature(key, message, signature);
        }
        throw unsupported(
          key.kind,
          'canister-signature keys (Internet Identity) need the `canisterSignature` plug-in of createSignatureVerifier',
        );
      case 'bls12381-g2':
        // Users never sign with BLS keys; the IC only accepts them for subnet certificates.
        throw unsupported(key.kind, 'BLS12-381 keys only sign certificates, not requests');
    }
  }

  function check(
    publicKeyDer: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): SignatureCheck {
    return checkParsed(parsePublicKeyDer(publicKeyDer), message, signature);
  }

  return {
    check,
    verify(publicKeyDer, message, signature) {
      const result = check(publicKeyDer, message, signature);
      if (!result.valid) {
        throw new CitadelError('trust', result.code, `Signature rejected: ${result.reason}.`, {
          ...result.details,
          publicKeyDer,
        });
      }
    },
    supports(kind) {
      switch (kind) {
        case 'webauthn':
          return options.webauthn !== undefined;
        case 'canister-signature':
          return options.canisterSignature !== undefined;
        case 'bls12381-g2':
          return false;
        default:
          return true;
      }
    },
  };
}

const builtInVerifier = createSignatureVerifier();

/**
 * True when `signature` is a valid signature of `message` under the DER key `publicKeyDer`
 * (Ed25519, ECDSA P-256 or secp256k1, plus the kinds enabled in `options`). Malformed
 * signatures count as invalid; unreadable or unsupported keys throw.
 */
export function verifySignature(
  publicKeyDer: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  options?: SignatureVerifierOptions,
): boolean {
  const verifier = options === undefined ? builtInVerifier : createSignatureVerifier(options);
  return verifier.check(publicKeyDer, message, signature).valid;
}

function unsupported(kind: ParsedPublicKey['kind'], reason: string): CitadelError {
  return new CitadelError(
    'trust',
    SignatureErrorCode.UNSUPPORTED_KEY,
    `Signature rejected: ${reason}.`,
    { kind },
  );
}
