/**
 * The little DER (ITU-T X.690) the key files need: definite lengths, one element at a time.
 * Readers are strict (minimal lengths, nothing after the last element) and throw
 * KeyFormatError, which the PEM layer turns into `CLI_IDENTITY_PEM_INVALID`.
 */

/** A key file's structure is not what it should be; `message` says what is wrong. */
export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

/** Tags of the universal types and context tags the key formats use. */
export const DerTag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OBJECT_IDENTIFIER: 0x06,
  SEQUENCE: 0x30,
  /** `[0]`, constructed (explicit). */
  CONTEXT_0: 0xa0,
  /** `[1]`, constructed (explicit). */
  CONTEXT_1: 0xa1,
  /** `[1] IMPLICIT`, primitive. */
  CONTEXT_1_PRIMITIVE: 0x81,
} as const;

/** One element: its tag byte and the bytes of its contents. */
export interface DerElement {
  readonly tag: number;
  readonly contents: Uint8Array;
}

/** Lengths above this are refused: no key structure comes close. */
const MAX_LENGTH = 0xffff;

/** Reads the element at `offset`; returns it and the offset after it. */
function readElement(bytes: Uint8Array, offset: number): { element: DerElement; end: number } {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) {
    throw new KeyFormatError('the DER data ends in the middle of an element');
  }
  if ((tag & 0x1f) === 0x1f) {
    throw new KeyFormatError(`unexpected multi-byte DER tag at byte ${offset}`);
  }
  let length = first;
  let start = offset + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 2) {
      throw new KeyFormatError(`unsupported DER length at byte ${offset + 1}`);
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[start + i];
      if (byte === undefined) {
        throw new KeyFormatError('the DER data ends in the middle of a length');
      }
      length = length * 256 + byte;
    }
    start += count;
    if (length < 0x80 || (count === 2 && length < 0x100) || length > MAX_LENGTH) {
      throw new KeyFormatError(`non-minimal DER length at byte ${offset + 1}`);
    }
  }
  const end = start + length;
  if (end > bytes.length) {
    throw new KeyFormatError('the DER data is shorter than an element says');
  }
  return { element: { tag, contents: bytes.subarray(start, end) }, end };
}

/** The elements `bytes` consists of, in order (e.g. the contents of a SEQUENCE). */
export function readDerElements(bytes: Uint8Array): DerElement[] {
  const elements: DerElement[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const { element, end } = readElement(bytes, offset);
    elements.push(element);
    offset = end;
  }
  return elements;
}

/** The one element `bytes` holds, which must have tag `tag` and fill `bytes` exactly. */
export function readDerElement(bytes: Uint8Array, tag: number, what: string): DerElement {
  const elements = readDerElements(bytes);
  const [element] = elements;
  if (element === undefined || element.tag !== tag) {
    throw new KeyFormatError(`${what} is not a DER ${tagName(tag)}`);
  }
  if (elements.length > 1) {
    throw new KeyFormatError(`unexpected data after ${what}`);
  }
  return element;
}

/** Checks `element` has tag `tag`; returns its contents. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): Uint8Array {
  if (element === undefined) {
    throw new KeyFormatError(`${what} is missing`);
  }
  if (element.tag !== tag) {
    throw new KeyFormatError(
      `${what} should be a ${tagName(tag)}, found tag 0x${element.tag.toString(16).padStart(2, '0')}`,
    );
  }
  return element.contents;
}

/** The value of a small non-negative INTEGER (a version field). */
export function readSmallInteger(element: DerElement | undefined, what: string): number {
  const contents = expectTag(element, DerTag.INTEGER, what);
  if (contents.length !== 1 || (contents[0] as number) >= 0x80) {
    throw new KeyFormatError(`${what} is not a small integer`);
  }
  return contents[0] as number;
}

/** The bits of a BIT STRING with no unused bits (a public key). */
export function readBitStringBytes(contents: Uint8Array, what: string): Uint8Array {
  if (contents[0] !== 0) {
    throw new KeyFormatError(`${what} is not a whole number of bytes`);
  }
  return contents.subarray(1);
}

/** `1.3.101.112` → its DER contents bytes. */
export function encodeOid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = parts;
  const bytes: number[] = [first * 40 + second];
  for (const part of rest) {
    const groups: number[] = [part & 0x7f];
    for (let value = Math.floor(part / 128); value > 0; value = Math.floor(value / 128)) {
      groups.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...groups);
  }
  return Uint8Array.from(bytes);
}

/** DER contents bytes of an OID → `1.3.101.112`. */
export function decodeOid(contents: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const [i, byte] of contents.entries()) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) {
      if (i === contents.length - 1) {
        throw new KeyFormatError('an object identifier ends in the middle of a number');
      }
      continue;
    }
    if (parts.length === 0) {
      const first = value < 80 ? Math.floor(value / 40) : 2;
      parts.push(first, value - first * 40);
    } else {
      parts.push(value);
    }
    value = 0;
  }
  if (parts.length === 0) {
    throw new KeyFormatError('an object identifier is empty');
  }
  return parts.join('.');
}

/** Encodes one element. */
export function encodeDer(tag: number, contents: Uint8Array): Uint8Array {
  const length = contents.length;
  const header =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  out.set(contents, header.length);
  return out;
}

/** Encodes a SEQUENCE of already encoded elements. */
export function encodeDerSequence(...elements: readonly Uint8Array[]): Uint8Array {
  const contents = new Uint8Array(elements.reduce((total, e) => total + e.length, 0));
  let offset = 0;
  for (const element of elements) {
    contents.set(element, offset);
    offset += element.length;
  }
  return encodeDer(DerTag.SEQUENCE, contents);
}

function tagName(tag: number): string {
  switch (tag) {
    case DerTag.INTEGER:
      return 'INTEGER';
    case DerTag.BIT_STRING:
      return 'BIT STRING';
    case DerTag.OCTET_STRING:
      return 'OCTET STRING';
    case DerTag.OBJECT_IDENTIFIER:
      return 'OBJECT IDENTIFIER';
    case DerTag.SEQUENCE:
      return 'SEQUENCE';
    default:
      return `element with tag 0x${tag.toString(16).padStart(2, '0')}`;
  }
}
