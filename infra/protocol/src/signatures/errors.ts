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
