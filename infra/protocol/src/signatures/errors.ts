/**
 * Stable codes of signature verification failures (interface spec "Signatures"; digest §3.3).
 * All are kind 'trust'.
 */
export const SignatureErrorCode = {
  /** The key kind has no verifier: WebAuthn or canister signatures without a plug-in, or a BLS key. */
  UNSUPPORTED_KEY: 'PROTO_SIG_UNSUPPORTED_KEY',
  /** The signature bytes have the wrong length or encoding for the key kind. */
  MALFORMED: 'PROTO_SIG_MALFORMED',
  /** The signature is well-formed but does not match the message and key. */
  INVALID: 'PROTO_SIG_INVALID',
} as const;

/** One of the {@link SignatureErrorCode} strings. */
export type SignatureErrorCode = (typeof SignatureErrorCode)[keyof typeof SignatureErrorCode];

/**
 * Stable codes of canister-signature failures (interface spec "Canister signatures"; digest
 * §3.3), one per check, in the order they run. All are kind 'trust'.
 */
export const CanisterSignatureErrorCode = {
  /**
   * Not CBOR `{certificate: bytes, tree: hash tree}` behind tag 55799 (tag, fields or tree
   * missing, unknown fields, a tree that is not well-formed).
   */
  MALFORMED: 'PROTO_CANISTER_SIG_MALFORMED',
  /** The embedded certificate cannot be decoded, or does not verify under the root key. */
  CERTIFICATE_INVALID: 'PROTO_CANISTER_SIG_CERTIFICATE_INVALID',
  /** The certificate reveals no `certified_data` for the key's canister (another canister's, or pruned). */
  NO_CERTIFIED_DATA: 'PROTO_CANISTER_SIG_NO_CERTIFIED_DATA',
  /** The canister's `certified_data` is not the root hash of the signature's tree. */
  NOT_CERTIFIED: 'PROTO_CANISTER_SIG_NOT_CERTIFIED',
  /** The tree has no empty leaf at `/sig/H(seed)/H(message)`: absent, pruned or not empty. */
  NOT_IN_TREE: 'PROTO_CANISTER_SIG_NOT_IN_TREE',
  /** The certificate is delegated to a subnet whose canister ranges exclude the key's canister. */
  CANISTER_NOT_IN_RANGE: 'PROTO_CANISTER_SIG_CANISTER_NOT_IN_RANGE',
} as const;

/** One of the {@link CanisterSignatureErrorCode} strings. */
export type CanisterSignatureErrorCode =
  (typeof CanisterSignatureErrorCode)[keyof typeof CanisterSignatureErrorCode];
