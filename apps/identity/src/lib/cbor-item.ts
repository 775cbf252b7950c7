/**
 * The extent of one CBOR data item (RFC 8949), without decoding it: enough to cut the COSE
 * key out of WebAuthn authenticator data, where extensions may follow it (§4.6).
 */

/** Deepest nesting accepted; COSE keys and WebAuthn extensions are a few levels deep. */
const MAX_DEPTH = 16;

/** Where the CBOR data item starting at `offset` ends (exclusive), or `undefined` if malformed. */
export function cborItemEnd(bytes: Uint8Array, offset: number): number | undefined {
  try {
    return skipItem(bytes, offset, 0);
  } catch (error) {
    if (error instanceof RangeError) {
      return undefined;
    }
    throw error;
  }
}

/** The marker of an indefinite-length item's end. */
const BREAK = 0xff;

function skipItem(bytes: Uint8Array, offset: number, depth: number): number {
  if (depth > MAX_DEPTH) {
    throw new RangeError('CBOR nested too deeply');
  }
  const initial = byteAt(bytes, offset);
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info === 31) {
    return skipIndefinite(bytes, offset + 1, major, depth);
  }
  const { argument, next } = readArgument(bytes, offset + 1, info);
  switch (major) {
    case 0: // unsigned integer
    case 1: // negative integer
    case 7: // simple value or float: the argument is the whole payload
      return next;
    case 2: // byte string
    case 3: // text string
      return within(bytes, next + argument);
    case 4: // array
      return skipItems(bytes, next, argument, depth);
    case 5: // map: a key and a value per entry
      return skipItems(bytes, next, argument * 2, depth);
    default: // 6, a tag: one item follows
      return skipItem(bytes, next, depth + 1);
  }
}

function skipItems(bytes: Uint8Array, offset: number, count: number, depth: number): number {
  let position = offset;
  for (let i = 0; i < count; i++) {
    position = skipItem(bytes, position, depth + 1);
  }
  return position;
}

function skipIndefinite(bytes: Uint8Array, offset: number, major: number, depth: number): number {
  if (major !== 2 && major !== 3 && major !== 4 && major !== 5) {
    throw new RangeError(`CBOR major type ${major} has no indefinite length`);
  }
  let position = offset;
  while (byteAt(bytes, position) !== BREAK) {
    // Chunks of an indefinite string must be definite strings of the same type.
    if ((major === 2 || major === 3) && byteAt(bytes, position) >> 5 !== major) {
      throw new RangeError('CBOR string chunk of another type');
    }
    position = skipItem(bytes, position, depth + 1);
  }
  return position + 1;
}

function readArgument(
  bytes: Uint8Array,
  offset: number,
  info: number,
): { argument: number; next: number } {
  if (info < 24) {
    return { argument: info, next: offset };
  }
  if (info > 27) {
    throw new RangeError(`CBOR additional information ${info} is reserved`);
  }
  const size = 2 ** (info - 24);
  let argument = 0;
  for (let i = 0; i < size; i++) {
    // Multiplication, not shifts: an 8-byte argument exceeds 32 bits.
    argument = argument * 256 + byteAt(bytes, offset + i);
  }
  return { argument, next: offset + size };
}

function byteAt(bytes: Uint8Array, offset: number): number {
  const byte = bytes[offset];
  if (byte === undefined) {
    throw new RangeError('CBOR item runs past the end');
  }
  return byte;
}

function within(bytes: Uint8Array, end: number): number {
  if (end > bytes.length) {
    throw new RangeError('CBOR item runs past the end');
  }
  return end;
}
