import type {
  CanisterSignaturePublicKey,
  ParsedPublicKey,
  WebAuthnPublicKey,
} from '../keys/types.js';
import type { CanisterSignatureErrorCode, SignatureErrorCode } from './errors.js';

/**
 * Outcome of checking one signature: valid, or why not. `MALFORMED` means the bytes could not
 * even be read as a signature of that kind; `INVALID` that they do not match. Canister
 * signatures name the check that failed with a {@link CanisterSignatureErrorCode}.
 */
export type SignatureCheck =
  | { readonly valid: true }
  | {
      readonly valid: false;
      readonly code:
        | typeof SignatureErrorCode.MALFORMED
        | typeof SignatureErrorCode.INVALID
        | CanisterSignatureErrorCode;
      /** Human-readable reason, completed by the caller into "Signature rejected: <reason>." */
      readonly reason: string;
      /** The offending values (hashes, ids, the code of an underlying error), for logs. */
      readonly details?: Readonly<Record<string, unknown>>;
    };

/**
 * Checks a signature for one key kind. It may throw a CitadelError of its own (for example a
 * certificate error inside a canister signature); everything else is reported in the result.
 */
export type KeySignatureVerifier<K extends ParsedPublicKey = ParsedPublicKey> = (
  publicKey: K,
  message: Uint8Array,
  signature: Uint8Array,
) => SignatureCheck;

/** Plug-ins for the key kinds that need more than a curve (digest §3.3). */
export interface SignatureVerifierOptions {
  /**
   * WebAuthn signatures (COSE keys); pass `verifyWebAuthnSignature` to enable them.
   * @default undefined (WebAuthn keys are refused with PROTO_SIG_UNSUPPORTED_KEY)
   */
  readonly webauthn?: KeySignatureVerifier<WebAuthnPublicKey>;
  /**
   * Canister signatures (certificate + witness), as issued by Internet Identity; pass
   * `createCanisterSignatureVerifier({ rootKeyDer })` for the network's root key.
   * @default undefined (canister-signature keys are refused with PROTO_SIG_UNSUPPORTED_KEY)
   */
  readonly canisterSignature?: KeySignatureVerifier<CanisterSignaturePublicKey>;
}

/**
 * Verifies user signatures by DER public key, dispatching on the key kind. Built in: Ed25519,
 * ECDSA P-256 and ECDSA secp256k1; WebAuthn and canister signatures come from plug-ins.
 */
export interface SignatureVerifier {
  /**
   * Returns when `signature` is a valid signature of `message` under `publicKeyDer`; throws a
   * CitadelError otherwise: kind 'trust' with a PROTO_SIG_* (or, for canister signatures,
   * PROTO_CANISTER_SIG_*) code for the signature, kind 'protocol' with a PROTO_KEY_* code for
   * an unreadable key.
   */
  verify(publicKeyDer: Uint8Array, message: Uint8Array, signature: Uint8Array): void;
  /** Like {@link SignatureVerifier.verify} but reports signature failures in the result. */
  check(publicKeyDer: Uint8Array, message: Uint8Array, signature: Uint8Array): SignatureCheck;
  /** Whether keys of this kind can be verified at all. */
  supports(kind: ParsedPublicKey['kind']): boolean;
}
