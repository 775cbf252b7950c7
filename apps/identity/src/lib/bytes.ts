/** Byte helpers for what WebAuthn hands out. */

/**
 * `value` as a `Uint8Array` when it holds bytes: WebAuthn hands out `ArrayBuffer`s, some
 * password managers typed-array views.
 */
export function toBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof ArrayBuffer) {
    return new Uint8Array(value);
  }
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return undefined;
}

/** Whether `a` and `b` hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
