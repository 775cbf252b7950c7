/**
 * A value of the CBOR subset the IC uses (interface spec "CBOR encoding of requests and
 * responses"): integers, text, bytes, booleans, null, undefined, arrays, text-keyed maps, tags.
 * Floats are deliberately absent.
 */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | readonly CborValue[]
  | CborMap
  | CborTagged;

/** A CBOR map with text keys; decoded maps have a null prototype. */
export interface CborMap {
  readonly [key: string]: CborValue;
}

/**
 * A tagged CBOR value other than the self-describe tag 55799 (which the codec strips).
 * It is a class so that a map that happens to have `tag` and `value` keys stays a map.
 */
export class CborTag {
  /** The tag number (RFC 8949 §3.4). */
  readonly tag: number;
  /** The tagged content. */
  readonly value: CborValue;

  constructor(tag: number, value: CborValue) {
    this.tag = tag;
    this.value = value;
  }
}

/** A tagged CBOR value; always a {@link CborTag} instance. */
export type CborTagged = CborTag;

/** The self-describe tag 55799 (RFC 8949 §3.4.6) the IC puts in front of every message. */
export const CBOR_SELF_DESCRIBE_TAG = 55799;

/** True when the value is a CBOR map (a plain or null-prototype object), not an array, bytes or tag. */
export function isCborMap(value: CborValue): value is CborMap {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  if (Array.isArray(value) || value instanceof Uint8Array || value instanceof CborTag) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}
