import { CitadelError } from '../errors.js';
import { CborErrorCode } from './errors.js';
import { CBOR_SELF_DESCRIBE_TAG, CborTag } from './types.js';
import type { CborMap, CborValue } from './types.js';

/** Options of {@link decodeCbor}. */
export interface DecodeCborOptions {
  /**
   * How many arrays, maps and tags may enclose an item.
   * @default 64
   */
  readonly maxDepth?: number;
}

/** Default nesting limit of {@link decodeCbor}. */
export const CBOR_DEFAULT_MAX_DEPTH = 64;

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

const INFO_INDEFINITE = 31;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface Head {
  readonly major: number;
  readonly info: number;
  /** The argument; a bigint only when it does not fit a safe integer. */
  readonly argument: number | bigint;
  readonly offset: number;
}

/**
 * Decodes one CBOR item in the IC's strict subset, stripping tag 55799 wherever it appears.
 * Byte strings are views into `bytes` (no copy); maps come back as null-prototype objects.
 * @see https://internetcomputer.org/docs/references/ic-interface-spec#api-cbor
 */
export function decodeCbor(bytes: Uint8Array, options: DecodeCborOptions = {}): CborValue {
  const decoder = new Decoder(bytes, options.maxDepth ?? CBOR_DEFAULT_MAX_DEPTH);
  const value = decoder.item(0);
  if (decoder.offset !== bytes.length) {
    throw decodeError(
      CborErrorCode.TRAILING_BYTES,
      decoder.offset,
      `${bytes.length - decoder.offset} byte(s) follow the top-level item; a CBOR message must hold exactly one item`,
      { trailingBytes: bytes.length - decoder.offset },
    );
  }
  return value;
}

function decodeError(
  code: CborErrorCode,
  offset: number,
  reason: string,
  details: Record<string, unknown> = {},
): CitadelError {
  const kind = code === CborErrorCode.MAX_DEPTH ? 'limit' : 'protocol';
  return new CitadelError(kind, code, `Cannot decode CBOR at byte offset ${offset}: ${reason}.`, {
    offset,
    ...details,
  });
}

class Decoder {
  offset = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #maxDepth: number;

  constructor(bytes: Uint8Array, maxDepth: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#maxDepth = maxDepth;
  }

  item(depth: number): CborValue {
    let head = this.#head();
    // Tag 55799 only marks the data as CBOR (RFC 8949 §3.4.6); the agent and the IC put it in
    // front of messages and nested certificates, so it is dropped wherever it occurs. A loop,
    // not recursion, so a long chain of such tags cannot exhaust the stack.
    while (head.major === MAJOR_TAG && head.argument === CBOR_SELF_DESCRIBE_TAG) {
      head = this.#head();
    }
    switch (head.major) {
      case MAJOR_UNSIGNED:
        return this.#unsigned(head);
      case MAJOR_NEGATIVE:
        return this.#negative(head);
      case MAJOR_BYTES:
        return this.#byteString(head);
      case MAJOR_TEXT:
        return this.#textString(head);
      case MAJOR_ARRAY:
        return this.#array(head, depth);
      case MAJOR_MAP:
        return this.#map(head, depth);
      case MAJOR_TAG:
        return this.#tag(head, depth);
      default:
        return this.#simple(head);
    }
  }

  #head(): Head {
    const offset = this.offset;
    if (offset >= this.#bytes.length) {
      throw decodeError(
        CborErrorCode.TRUNCATED,
        offset,
        offset === 0
          ? 'the input is empty; expected a CBOR item'
          : 'the input ends where another item was expected; the message is truncated',
      );
    }
    const initial = this.#bytes[offset];
    const major = initial >> 5;
    const info = initial & 0x1f;
    this.offset = offset + 1;
    if (major === 7) {
      // Simple values and floats carry no integer argument; #simple interprets `info`.
      return { major, info, argument: info, offset };
    }
    if (info < 24) {
      return { major, info, argument: info, offset };
    }
    if (info === INFO_INDEFINITE) {
      return { major, info, argument: 0, offset };
    }
    if (info > 27) {
      throw decodeError(
        CborErrorCode.RESERVED_ADDITIONAL_INFO,
        offset,
        `additional information ${info} is reserved by RFC 8949 §3 (initial byte 0x${hex(initial)})`,
        { initialByte: initial },
      );
    }
    const width = 1 << (info - 24);
    if (this.offset + width > this.#bytes.length) {
      throw decodeError(
        CborErrorCode.TRUNCATED,
        offset,
        `the item header needs ${width} argument byte(s) but only ${this.#bytes.length - this.offset} remain; the message is truncated`,
        { needed: width, remaining: this.#bytes.length - this.offset },
      );
    }
    let argument: number | bigint;
    switch (width) {
      case 1:
        argument = this.#view.getUint8(this.offset);
        break;
      case 2:
        argument = this.#view.getUint16(this.offset);
        break;
      case 4:
        argument = this.#view.getUint32(this.offset);
        break;
      default: {
        const big = this.#view.getBigUint64(this.offset);
        argument = big <= MAX_SAFE_BIGINT ? Number(big) : big;
      }
    }
    this.offset += width;
    return { major, info, argument, offset };
  }

  #unsigned(head: Head): number | bigint {
    this.#rejectIndefinite(head, 'an integer');
    return head.argument;
  }

  #negative(head: Head): number | bigint {
    this.#rejectIndefinite(head, 'an integer');
    const argument = head.argument;
    // -1 - n stays a safe integer only while n < MAX_SAFE_INTEGER.
    if (typeof argument === 'number' && argument < Number.MAX_SAFE_INTEGER) {
      return -1 - argument;
    }
    return -1n - BigInt(argument);
  }

  #byteString(head: Head): Uint8Array {
    this.#rejectIndefinite(head, 'a byte string');
    const length = this.#length(head, 1, 'byte string');
    const start = this.offset;
    this.offset += length;
    // A view, not a copy: request bodies carry Wasm modules of up to 2 MiB.
    return this.#bytes.subarray(start, start + length);
  }

  #textString(head: Head): string {
    this.#rejectIndefinite(head, 'a text string');
    const length = this.#length(head, 1, 'text string');
    const start = this.offset;
    this.offset += length;
    try {
      return utf8Decoder.decode(this.#bytes.subarray(start, start + length));
    } catch (error) {
      throw new CitadelError(
        'protocol',
        CborErrorCode.INVALID_UTF8,
        `Cannot decode CBOR at byte offset ${head.offset}: the text string is not well-formed UTF-8 (RFC 8949 §3.1 major type 3).`,
        { offset: head.offset },
        { cause: error },
      );
    }
  }

  #array(head: Head, depth: number): CborValue[] {
    this.#rejectIndefinite(head, 'an array');
    this.#enter(head, depth);
    // Every element takes at least one byte, so the count is checked before allocating.
    const count = this.#length(head, 1, 'array');
    const items = new Array<CborValue>(count);
    for (let i = 0; i < count; i++) {
      items[i] = this.item(depth + 1);
    }
    return items;
  }

  #map(head: Head, depth: number): CborMap {
    this.#rejectIndefinite(head, 'a map');
    this.#enter(head, depth);
    const count = this.#length(head, 2, 'map');
    const map: Record<string, CborValue> = Object.create(null) as Record<string, CborValue>;
    for (let i = 0; i < count; i++) {
      const keyHead = this.#head();
      if (keyHead.major !== MAJOR_TEXT) {
        throw decodeError(
          CborErrorCode.NON_TEXT_KEY,
          keyHead.offset,
          `map keys must be text strings (interface spec: CBOR maps have text keys) but found major type ${keyHead.major}`,
          { majorType: keyHead.major },
        );
      }
      const key = this.#textString(keyHead);
      if (Object.hasOwn(map, key)) {
        throw decodeError(
          CborErrorCode.DUPLICATE_KEY,
          keyHead.offset,
          `the map key ${JSON.stringify(key)} appears twice`,
          { key },
        );
      }
      map[key] = this.item(depth + 1);
    }
    return map;
  }

  #tag(head: Head, depth: number): CborTag {
    this.#rejectIndefinite(head, 'a tag');
    if (typeof head.argument === 'bigint') {
      throw decodeError(
        CborErrorCode.UNSUPPORTED_TAG,
        head.offset,
        `tag number ${head.argument} is larger than 2^53 - 1`,
        { tag: head.argument },
      );
    }
    this.#enter(head, depth);
    return new CborTag(head.argument, this.item(depth + 1));
  }

  #simple(head: Head): boolean | null | undefined {
    switch (head.info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
      case 26:
      case 27:
        throw decodeError(
          CborErrorCode.FLOAT,
          head.offset,
          'floating-point numbers are not part of the IC protocol; encode integers instead',
        );
      case 28:
      case 29:
      case 30:
        throw decodeError(
          CborErrorCode.RESERVED_ADDITIONAL_INFO,
          head.offset,
          `additional information ${head.info} of major type 7 is reserved by RFC 8949 §3`,
        );
      case INFO_INDEFINITE:
        throw decodeError(
          CborErrorCode.INDEFINITE_LENGTH,
          head.offset,
          'found a "break" byte (0xff) outside an indefinite-length item; indefinite lengths are not supported',
        );
      default:
        throw decodeError(
          CborErrorCode.UNSUPPORTED_SIMPLE_VALUE,
          head.offset,
          `simple value ${head.info === 24 ? '(one-byte form)' : head.info} is not supported; only false, true, null and undefined are`,
          { additionalInfo: head.info },
        );
    }
  }

  #rejectIndefinite(head: Head, what: string): void {
    if (head.info === INFO_INDEFINITE) {
      throw decodeError(
        CborErrorCode.INDEFINITE_LENGTH,
        head.offset,
        `${what} with indefinite length (additional information 31) is not supported; use definite lengths`,
        { majorType: head.major },
      );
    }
  }

  #enter(head: Head, depth: number): void {
    if (depth >= this.#maxDepth) {
      throw decodeError(
        CborErrorCode.MAX_DEPTH,
        head.offset,
        `arrays, maps and tags are nested more than ${this.#maxDepth} levels deep`,
        { maxDepth: this.#maxDepth },
      );
    }
  }

  /** Validates a declared length against the remaining input before anything is allocated. */
  #length(head: Head, bytesPerUnit: number, what: string): number {
    const remaining = this.#bytes.length - this.offset;
    const declared = head.argument;
    if (typeof declared === 'bigint' || declared * bytesPerUnit > remaining) {
      throw decodeError(
        CborErrorCode.LENGTH_EXCEEDS_INPUT,
        head.offset,
        `the ${what} declares length ${declared} but only ${remaining} byte(s) of input remain`,
        { declaredLength: declared, remaining },
      );
    }
    return declared;
  }
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
