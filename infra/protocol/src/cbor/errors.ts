/**
 * Stable codes of every failure of the CBOR codec (RFC 8949 subset used by the IC).
 * Decoding failures are kind 'protocol' (or 'limit' for nesting), encoding failures kind 'input'.
 */
export const CborErrorCode = {
  /** The input ends in the middle of an item (or is empty). */
  TRUNCATED: 'PROTO_CBOR_TRUNCATED',
  /** Bytes follow the single top-level item. */
  TRAILING_BYTES: 'PROTO_CBOR_TRAILING_BYTES',
  /** A declared string length or element count cannot fit into the remaining input. */
  LENGTH_EXCEEDS_INPUT: 'PROTO_CBOR_LENGTH_EXCEEDS_INPUT',
  /** Indefinite-length strings, arrays or maps, or a stray break byte (the agent sends none). */
  INDEFINITE_LENGTH: 'PROTO_CBOR_INDEFINITE_LENGTH',
  /** Additional information 28–30, reserved by RFC 8949 §3. */
  RESERVED_ADDITIONAL_INFO: 'PROTO_CBOR_RESERVED_ADDITIONAL_INFO',
  /** A half, single or double precision float; the IC protocol has none. */
  FLOAT: 'PROTO_CBOR_FLOAT',
  /** A simple value other than false, true, null and undefined. */
  UNSUPPORTED_SIMPLE_VALUE: 'PROTO_CBOR_UNSUPPORTED_SIMPLE_VALUE',
  /** A map key that is not a text string. */
  NON_TEXT_KEY: 'PROTO_CBOR_NON_TEXT_KEY',
  /** The same key twice in one map. */
  DUPLICATE_KEY: 'PROTO_CBOR_DUPLICATE_KEY',
  /** A text string that is not well-formed UTF-8 (or, when encoding, has lone surrogates). */
  INVALID_UTF8: 'PROTO_CBOR_INVALID_UTF8',
  /** Arrays, maps and tags nested deeper than allowed. */
  MAX_DEPTH: 'PROTO_CBOR_MAX_DEPTH',
  /** A tag number that does not fit a JavaScript safe integer. */
  UNSUPPORTED_TAG: 'PROTO_CBOR_UNSUPPORTED_TAG',
  /** A JavaScript value outside the supported subset (float, function, Map, class instance, …). */
  UNENCODABLE_VALUE: 'PROTO_CBOR_UNENCODABLE_VALUE',
  /** A bigint outside [-2^64, 2^64 - 1]. */
  INTEGER_OUT_OF_RANGE: 'PROTO_CBOR_INTEGER_OUT_OF_RANGE',
} as const;

/** One of the {@link CborErrorCode} strings. */
export type CborErrorCode = (typeof CborErrorCode)[keyof typeof CborErrorCode];
