import { CitadelError } from '../errors.js';
import { CborErrorCode } from './errors.js';
import { CBOR_SELF_DESCRIBE_TAG, CborTag } from './types.js';
import type { CborValue } from './types.js';

/** Options of {@link encodeCbor}. */
export interface EncodeCborOptions {
  /**
   * Prefix the output with the self-describe tag 55799 (`d9 d9 f7`), as the IC does for every
   * request and response body and every certificate.
   * @default true
   */
  readonly selfDescribe?: boolean;
}

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

const SIMPLE_FALSE = 0xf4;
const SIMPLE_TRUE = 0xf5;
const SIMPLE_NULL = 0xf6;
const SIMPLE_UNDEFINED = 0xf7;

const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_NEGATIVE_INT64 = -(1n << 64n);
const TWO_POW_32 = 2 ** 32;
/** Guards against cyclic input; far deeper than anything the protocol produces. */
const MAX_ENCODE_DEPTH = 512;
const LONE_SURROGATE = /\p{Cs}/u;

const utf8Encoder = new TextEncoder();

/**
 * Encodes a value as CBOR with minimal-width integers and text-keyed maps; plain objects become
 * maps in insertion order with `undefined` fields omitted, `Uint8Array` becomes a byte string.
 * @see https://internetcomputer.org/docs/references/ic-interface-spec#api-cbor
 * @example encodeCbor({ status: 'replied', reply: { arg } })
 */
export function encodeCbor(value: CborValue, options: EncodeCborOptions = {}): Uint8Array {
  const writer = new Writer();
  if (options.selfDescribe ?? true) {
    writer.head(MAJOR_TAG, CBOR_SELF_DESCRIBE_TAG);
  }
  writer.value(value, 0, []);
  return writer.finish();
}

function encodeError(
  code: CborErrorCode,
  path: readonly (string | number)[],
  reason: string,
  details: Record<string, unknown> = {},
): CitadelError {
  const where = path.length === 0 ? 'the value' : `$${path.map(pathSegment).join('')}`;
  return new CitadelError('input', code, `Cannot encode ${where} as CBOR: ${reason}.`, {
    path: [...path],
    ...details,
  });
}

function pathSegment(segment: string | number): string {
  return typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
}

class Writer {
  #buffer = new Uint8Array(256);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;

  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }

  value(value: CborValue, depth: number, path: (string | number)[]): void {
    switch (typeof value) {
      case 'number':
        return this.#number(value, path);
      case 'bigint':
        return this.#bigint(value, path);
      case 'string':
        return this.#text(value, path);
      case 'boolean':
        return this.#byte(value ? SIMPLE_TRUE : SIMPLE_FALSE);
      case 'undefined':
        // RFC 8949 simple value 23; the agent's encoder writes it too (its CBOR library).
        return this.#byte(SIMPLE_UNDEFINED);
      case 'object':
        if (value === null) {
          return this.#byte(SIMPLE_NULL);
        }
        if (value instanceof Uint8Array) {
          this.head(MAJOR_BYTES, value.length);
          return this.#raw(value);
        }
        if (depth >= MAX_ENCODE_DEPTH) {
          throw encodeError(
            CborErrorCode.MAX_DEPTH,
            path,
            `it is nested more than ${MAX_ENCODE_DEPTH} levels deep (is it cyclic?)`,
            { maxDepth: MAX_ENCODE_DEPTH },
          );
        }
        if (Array.isArray(value)) {
          return this.#array(value as readonly CborValue[], depth, path);
        }
        if (value instanceof CborTag) {
          return this.#tag(value, depth, path);
        }
        return this.#map(value, depth, path);
      default:
        throw encodeError(
          CborErrorCode.UNENCODABLE_VALUE,
          path,
          `a ${typeof value} is not part of the IC's CBOR subset`,
          { type: typeof value },
        );
    }
  }

  head(major: number, argument: number): void {
    this.#reserve(9);
    const base = major << 5;
    const at = this.#length;
    if (argument < 24) {
      this.#buffer[at] = base | argument;
      this.#length = at + 1;
    } else if (argument < 0x100) {
      this.#buffer[at] = base | 24;
      this.#buffer[at + 1] = argument;
      this.#length = at + 2;
    } else if (argument < 0x10000) {
      this.#buffer[at] = base | 25;
      this.#view.setUint16(at + 1, argument);
      this.#length = at + 3;
    } else if (argument < TWO_POW_32) {
      this.#buffer[at] = base | 26;
      this.#view.setUint32(at + 1, argument);
      this.#length = at + 5;
    } else {
      this.#buffer[at] = base | 27;
      this.#view.setUint32(at + 1, Math.floor(argument / TWO_POW_32));
      this.#view.setUint32(at + 5, argument % TWO_POW_32);
      this.#length = at + 9;
    }
  }

  #bigHead(major: number, argument: bigint): void {
    if (argument <= BigInt(Number.MAX_SAFE_INTEGER)) {
      return this.head(major, Number(argument));
    }
    this.#reserve(9);
    this.#buffer[this.#length] = (major << 5) | 27;
    this.#view.setBigUint64(this.#length + 1, argument);
    this.#length += 9;
  }

  #number(value: number, path: (string | number)[]): void {
    if (!Number.isSafeInteger(value)) {
      throw encodeError(
        CborErrorCode.UNENCODABLE_VALUE,
        path,
        `${value} is not a safe integer; floats are not part of the IC protocol, and integers beyond 2^53 - 1 must be bigints`,
        { value },
      );
    }
    if (value >= 0) {
      this.head(MAJOR_UNSIGNED, value);
    } else {
      this.head(MAJOR_NEGATIVE, -1 - value);
    }
  }

  #bigint(value: bigint, path: (string | number)[]): void {
    if (value > MAX_UINT64 || value < MIN_NEGATIVE_INT64) {
      throw encodeError(
        CborErrorCode.INTEGER_OUT_OF_RANGE,
        path,
        `${value} is outside the CBOR integer range [-2^64, 2^64 - 1]`,
        { value },
      );
    }
    if (value >= 0n) {
      this.#bigHead(MAJOR_UNSIGNED, value);
    } else {
      this.#bigHead(MAJOR_NEGATIVE, -1n - value);
    }
  }

  #text(value: string, path: (string | number)[]): void {
    // TextEncoder would silently replace lone surrogates with U+FFFD and change the hash.
    if (LONE_SURROGATE.test(value)) {
      throw encodeError(
        CborErrorCode.INVALID_UTF8,
        path,
        'the string contains a lone UTF-16 surrogate and has no UTF-8 encoding',
      );
    }
    const encoded = utf8Encoder.encode(value);
    this.head(MAJOR_TEXT, encoded.length);
    this.#raw(encoded);
  }

  #array(value: readonly CborValue[], depth: number, path: (string | number)[]): void {
    this.head(MAJOR_ARRAY, value.length);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      this.value(value[i], depth + 1, path);
      path.pop();
    }
  }

  #tag(value: CborTag, depth: number, path: (string | number)[]): void {
    if (!Number.isSafeInteger(value.tag) || value.tag < 0) {
      throw encodeError(
        CborErrorCode.UNSUPPORTED_TAG,
        path,
        `tag number ${value.tag} is not a non-negative safe integer`,
        { tag: value.tag },
      );
    }
    this.head(MAJOR_TAG, value.tag);
    this.value(value.value, depth + 1, path);
  }

  #map(value: object, depth: number, path: (string | number)[]): void {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== null && prototype !== Object.prototype) {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      throw encodeError(
        CborErrorCode.UNENCODABLE_VALUE,
        path,
        `a ${typeof name === 'string' ? name : 'class instance'} is not a plain object; convert it (e.g. a Principal to its bytes) first`,
        { type: name },
      );
    }
    const entries = Object.entries(value as Record<string, CborValue>).filter(
      ([, field]) => field !== undefined,
    );
    this.head(MAJOR_MAP, entries.length);
    for (const [key, field] of entries) {
      path.push(key);
      this.#text(key, path);
      this.value(field, depth + 1, path);
      path.pop();
    }
  }

  #byte(byte: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = byte;
  }

  #raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) {
      return;
    }
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) {
      capacity *= 2;
    }
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }
}
