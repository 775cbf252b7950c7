/**
 * DER definite-length encoding (X.690 §8.1.3, §10.1): short form below 128, otherwise
 * `0x80 | n` followed by n big-endian bytes, always the shortest form. Keys are small, so
 * lengths of up to two bytes (65 535) are enough.
 */
export const DER_MAX_LENGTH = 0xffff;

/** Encodes a length in its minimal DER form. */
export function encodeDerLength(length: number): Uint8Array {
  if (length < 0x80) {
    return Uint8Array.of(length);
  }
  if (length <= 0xff) {
    return Uint8Array.of(0x81, length);
  }
  return Uint8Array.of(0x82, length >> 8, length & 0xff);
}

/**
 * Reads a minimal DER length at `offset`; returns it with the offset of the content, or
 * null when the length is truncated, non-minimal or longer than {@link DER_MAX_LENGTH}.
 */
export function readDerLength(
  bytes: Uint8Array,
  offset: number,
): { readonly length: number; readonly contentOffset: number } | null {
  const first = bytes[offset];
  if (first === undefined) {
    return null;
  }
  if (first < 0x80) {
    return { length: first, contentOffset: offset + 1 };
  }
  if (first === 0x81) {
    const length = bytes[offset + 1];
    // 0x81 followed by a value below 0x80 is a non-minimal encoding, which DER forbids.
    return length === undefined || length < 0x80 ? null : { length, contentOffset: offset + 2 };
  }
  if (first === 0x82) {
    const high = bytes[offset + 1];
    const low = bytes[offset + 2];
    if (high === undefined || low === undefined || high === 0) {
      return null;
    }
    return { length: (high << 8) | low, contentOffset: offset + 3 };
  }
  return null;
}
