/**
 * Stable codes of public-key DER failures (digest §3.2). Parsing untrusted keys fails with
 * kind 'protocol'; encoding a key of the wrong shape fails with kind 'input'.
 */
export const KeyErrorCode = {
  /** Not a minimally encoded `SEQUENCE { AlgorithmIdentifier, BIT STRING }` that spans the input. */
  MALFORMED_DER: 'PROTO_KEY_MALFORMED_DER',
  /** The AlgorithmIdentifier names no key type the IC accepts from users or subnets. */
  UNSUPPORTED_ALGORITHM: 'PROTO_KEY_UNSUPPORTED_ALGORITHM',
  /** The key bytes have the wrong length for their algorithm. */
  INVALID_LENGTH: 'PROTO_KEY_INVALID_LENGTH',
  /** The key bytes have the right length but the wrong shape (compressed point, oversized canister id). */
  INVALID_KEY: 'PROTO_KEY_INVALID_KEY',
} as const;

/** One of the {@link KeyErrorCode} strings. */
export type KeyErrorCode = (typeof KeyErrorCode)[keyof typeof KeyErrorCode];
