/** Stable codes of BLS and threshold-signing failures (digest §4.3). */
export const BlsErrorCode = {
  /** A public key (or public share) is not a 96-byte compressed G2 point other than the identity. */
  INVALID_PUBLIC_KEY: 'PROTO_BLS_INVALID_PUBLIC_KEY',
  /** nodeCount / threshold / indices outside what Shamir sharing allows. */
  INVALID_PARAMETERS: 'PROTO_BLS_INVALID_PARAMETERS',
  /** A signature share that cannot be combined: not a G1 point, or a repeated index. */
  INVALID_SHARE: 'PROTO_BLS_INVALID_SHARE',
  /** Fewer valid signature shares than the threshold (kind 'trust'). */
  NOT_ENOUGH_SHARES: 'PROTO_BLS_NOT_ENOUGH_SHARES',
  /** Key material (serialized key, secret share, public shares) malformed or not matching its public key. */
  INVALID_KEY_MATERIAL: 'PROTO_BLS_INVALID_KEY_MATERIAL',
} as const;

/** One of the {@link BlsErrorCode} strings. */
export type BlsErrorCode = (typeof BlsErrorCode)[keyof typeof BlsErrorCode];
