import { CitadelError } from './errors.js';

/** Stable codes of LEB128 failures. */
export const Leb128ErrorCode = {
  /** An unsigned encoding was asked for a negative or non-integer number. */
  INVALID_INPUT: 'PROTO_LEB128_INVALID_INPUT',
  /** The last byte still has its continuation bit set, or the input is empty. */
  TRUNCATED: 'PROTO_LEB128_TRUNCATED',
  /** Bytes follow the end of the number. */
  TRAILING_BYTES: 'PROTO_LEB128_TRAILING_BYTES',
  /** More than {@link LEB128_MAX_BYTES} bytes; no IC value is that large. */
  TOO_LONG: 'PROTO_LEB128_TOO_LONG',
} as const;

/** One of the {@link Leb128ErrorCode} strings. */
export type Leb128ErrorCode = (typeof Leb128ErrorCode)[keyof typeof Leb128ErrorCode];

/**
 * Longest accepted encoding: 37 bytes hold 259 bits, enough for any nat the IC certifies
 * (u64 times, 128-bit cycle counts) while bounding the work an attacker can cause.
 */
export const LEB128_MAX_BYTES = 37;

function toBigInt(n: bigint | number, signed: boolean): bigint {
  if (typeof n === 'bigint') {
    return n;
  }
  if (!Number.isSafeInteger(n)) {
    throw new CitadelError(
      'input',
      Leb128ErrorCode.INVALID_INPUT,
      `Cannot LEB128-encode ${n}: only safe integers or bigints can be encoded.`,
      { value: n },
    );
  }
  if (!signed && n < 0) {
    throw negativeError(n);
  }
  return BigInt(n);
}

function negativeError(n: bigint | number): CitadelError {
  return new CitadelError(
    'input',
    Leb128ErrorCode.INVALID_INPUT,
    `Cannot encode ${n} as unsigned LEB128: it is negative; use encodeSleb128 for ints.`,
    { value: n },
  );
}

/**
 * Shortest unsigned LEB128 encoding of a natural number, as used for `nat` values in the
 * state tree (/time) and in representation-independent hashing (interface spec "Hash of map").
 */
export function encodeLeb128(n: bigint | number): Uint8Array {
  let value = toBigInt(n, false);
  if (value < 0n) {
    throw negativeError(n);
  }
  if (typeof n === 'number' && n < 0x80) {
    return new Uint8Array([n]);
  }
  const bytes: number[] = [];
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    bytes.push(value === 0n ? low : low | 0x80);
  } while (value !== 0n);
  return new Uint8Array(bytes);
}

/** Shortest signed LEB128 (two's complement) encoding of an integer, used to hash `int` values. */
export function encodeSleb128(n: bigint | number): Uint8Array {
  let value = toBigInt(n, true);
  const bytes: number[] = [];
  for (;;) {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    const signBitSet = (low & 0x40) !== 0;
    if ((value === 0n && !signBitSet) || (value === -1n && signBitSet)) {
      bytes.push(low);
      return new Uint8Array(bytes);
    }
    bytes.push(low | 0x80);
  }
}

/**
 * Decodes one unsigned LEB128 number that spans the whole input (a state-tree `nat` leaf).
 * Non-minimal encodings are accepted; they denote the same number.
 */
export function decodeLeb128(bytes: Uint8Array): bigint {
  const end = leb128End(bytes);
  let value = 0n;
  for (let i = end - 1; i >= 0; i--) {
    value = (value << 7n) | BigInt(bytes[i] & 0x7f);
  }
  return value;
}

/** Decodes one signed LEB128 number that spans the whole input. */
export function decodeSleb128(bytes: Uint8Array): bigint {
  const end = leb128End(bytes);
  const unsigned = decodeLeb128(bytes.subarray(0, end));
  const bits = BigInt(7 * end);
  const negative = (bytes[end - 1] & 0x40) !== 0;
  return negative ? unsigned - (1n << bits) : unsigned;
}

/** Validates framing and returns the number of bytes of the single number in `bytes`. */
function leb128End(bytes: Uint8Array): number {
  const limit = Math.min(bytes.length, LEB128_MAX_BYTES);
  for (let i = 0; i < limit; i++) {
    if ((bytes[i] & 0x80) === 0) {
      if (i + 1 !== bytes.length) {
        throw new CitadelError(
          'protocol',
          Leb128ErrorCode.TRAILING_BYTES,
          `LEB128 number ends at byte ${i} but the input has ${bytes.length} bytes; expected exactly one number.`,
          { end: i + 1, length: bytes.length },
        );
      }
      return i + 1;
    }
  }
  if (bytes.length > LEB128_MAX_BYTES) {
    throw new CitadelError(
      'limit',
      Leb128ErrorCode.TOO_LONG,
      `LEB128 number is longer than ${LEB128_MAX_BYTES} bytes; refusing to decode it.`,
      { maxBytes: LEB128_MAX_BYTES },
    );
  }
  throw new CitadelError(
    'protocol',
    Leb128ErrorCode.TRUNCATED,
    bytes.length === 0
      ? 'LEB128 input is empty; expected at least one byte.'
      : `LEB128 number is truncated: byte ${bytes.length - 1} still has its continuation bit set.`,
    { length: bytes.length },
  );
}
