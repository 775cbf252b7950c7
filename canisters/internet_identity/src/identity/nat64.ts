/** A `nat64` (an anchor number, a counter) as 8 bytes, big-endian, so that keys sort as numbers. */
export function nat64ToBytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}

/** Reads {@link nat64ToBytes}' bytes. */
export function nat64FromBytes(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) {
    throw new RangeError(`a nat64 has 8 bytes, not ${bytes.length}`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}
