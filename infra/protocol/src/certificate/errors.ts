/** Stable codes of certificate decoding and verification failures (all of kind 'trust'). */
export const CertificateErrorCode = {
  /** Not a CBOR map of `tree`, 48-byte `signature` and optional `delegation`. */
  MALFORMED: 'PROTO_CERT_MALFORMED',
  /** The tree's labels are out of order or mixed with leaves (spec `well_formed`). */
  TREE_NOT_WELL_FORMED: 'PROTO_CERT_TREE_NOT_WELL_FORMED',
  /** The root key is not a 133-byte DER BLS12-381 G2 public key. */
  INVALID_ROOT_KEY: 'PROTO_CERT_INVALID_ROOT_KEY',
  /** A delegation certificate that itself carries a delegation (max depth is 1). */
  TOO_MANY_DELEGATIONS: 'PROTO_CERT_TOO_MANY_DELEGATIONS',
  /** The delegation certificate lacks or garbles the subnet's key or canister ranges. */
  INVALID_DELEGATION: 'PROTO_CERT_INVALID_DELEGATION',
  /** A delegated certificate was verified without the canister id it is meant for. */
  CANISTER_ID_REQUIRED: 'PROTO_CERT_CANISTER_ID_REQUIRED',
  /** The canister is outside the delegated subnet's canister ranges. */
  CANISTER_NOT_IN_RANGES: 'PROTO_CERT_CANISTER_NOT_IN_RANGES',
  /** `/time` is missing, pruned or not a LEB128 nat. */
  TIME_INVALID: 'PROTO_CERT_TIME_INVALID',
  /** `/time` is older than the allowed skew. */
  TIME_TOO_OLD: 'PROTO_CERT_TIME_TOO_OLD',
  /** `/time` is further in the future than the allowed skew. */
  TIME_IN_FUTURE: 'PROTO_CERT_TIME_IN_FUTURE',
  /** The BLS signature does not verify (or the verifier threw). */
  INVALID_SIGNATURE: 'PROTO_CERT_INVALID_SIGNATURE',
} as const;

/** One of the {@link CertificateErrorCode} strings. */
export type CertificateErrorCode = (typeof CertificateErrorCode)[keyof typeof CertificateErrorCode];
