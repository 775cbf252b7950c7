import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';
import { CitadelError } from '../errors.js';
import type { ParsedPublicKey, PublicKeyKind } from '../public-key/der.js';
import { parsePublicKeyDer } from '../public-key/der.js';

/** Stable codes of signature verification failures. */
export const SignatureErrorCode = {
  INVALID: 'PROTO_SIG_INVALID',
  UNSUPPORTED_KEY: 'PROTO_SIG_UNSUPPORTED_KEY',
} as const;

/** Checks one signature for one key kind; returns false for a wrong signature, throws for malformed input. */
export type SchemeVerifier = (
  key: ParsedPublicKey,
  message: Uint8Array,
  signature: Uint8Array,
) => boolean;

/** Verifies request and delegation signatures by the key kind found in the DER public key. */
export interface SignatureVerifier {
  /** Throws a trust error `PROTO_SIG_INVALID` unless `signature` is valid for `message` under `publicKeyDer`. */
  verify(publicKeyDer: Uint8Array, message: Uint8Array, signature: Uint8Array): void;
}

/** Plug-ins for the kinds that need more than a curve: WebAuthn assertions and canister signatures. */
export interface SignatureVerifierOptions {
  readonly webauthn?: SchemeVerifier;
  readonly canisterSignature?: SchemeVerifier;
}

// ECDSA on the IC signs SHA-256(message) as raw r‖s; WebCrypto does not normalise S, so
// high-S must be accepted (ic-protocol.md §3.3, pitfall 11).
const verifyEcdsa =
  (curve: typeof p256 | typeof secp256k1): SchemeVerifier =>
  (key, message, signature) =>
    signature.length === 64 &&
    curve.verify(signature, sha256(message), key.raw, {
      lowS: false,
      prehash: false,
      format: 'compact',
    });

const BUILT_IN: Partial<Record<PublicKeyKind, SchemeVerifier>> = {
  ed25519: (key, message, signature) =>
    signature.length === 64 && ed25519.verify(signature, message, key.raw),
  'ecdsa-p256': verifyEcdsa(p256),
  'ecdsa-secp256k1': verifyEcdsa(secp256k1),
};

/**
 * Creates the verifier the replica uses for `sender_sig` and delegation signatures.
 * Ed25519, ECDSA P-256 and secp256k1 are built in; WebAuthn and canister signatures
 * slot in through `options`.
 */
export function createSignatureVerifier(options: SignatureVerifierOptions = {}): SignatureVerifier {
  const schemes: Partial<Record<PublicKeyKind, SchemeVerifier>> = {
    ...BUILT_IN,
    ...(options.webauthn ? { webauthn: options.webauthn } : {}),
    ...(options.canisterSignature ? { 'canister-signature': options.canisterSignature } : {}),
  };
  return {
    verify(publicKeyDer, message, signature) {
      const key = parsePublicKeyDer(publicKeyDer);
      const scheme = schemes[key.kind];
      if (!scheme) {
        throw new CitadelError(
          'trust',
          SignatureErrorCode.UNSUPPORTED_KEY,
          `Signatures by ${key.kind} keys are not supported by this network yet.`,
          { kind: key.kind },
        );
      }
      let valid: boolean;
      try {
        valid = scheme(key, message, signature);
      } catch (error) {
        throw new CitadelError(
          'trust',
          SignatureErrorCode.INVALID,
          `Malformed ${key.kind} signature or key: ${error instanceof Error ? error.message : String(error)}`,
          { kind: key.kind },
          { cause: error },
        );
      }
      if (!valid) {
        throw new CitadelError(
          'trust',
          SignatureErrorCode.INVALID,
          `The ${key.kind} signature does not verify.`,
          {
            kind: key.kind,
          },
        );
      }
    },
  };
}
