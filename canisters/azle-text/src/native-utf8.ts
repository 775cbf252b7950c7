/**
 * UTF-8 through native code instead of JavaScript loops. In the canister every JavaScript loop
 * turn costs thousands of instructions: the loops of `fast-text.ts` cost ~14,000 a character
 * to encode and ~12,300 a byte to decode for ASCII, about twice that for other text, so a
 * 10,000-character note would cost ~130 M instructions each way. Here encoding goes through
 * Azle's `candidEncode` (the Candid parser, in Rust: a text literal comes back as its UTF-8
 * bytes after a short header) and decoding through QuickJS built-ins (`String.fromCharCode`,
 * `escape`, `decodeURIComponent`). Measured on the replica: encoding ~113,000 instructions a
 * call, then ~100 a character of ASCII, ~270 of two bytes, ~400 of three, ~580 outside the BMP;
 * decoding ~58,000 a call, then ~460 a byte of ASCII, ~1,850 a byte of other text. Both give
 * exactly what the standard `TextEncoder` and `TextDecoder` give, or `undefined` where they
 * cannot (lone surrogates, malformed bytes), for the caller to fall back. Searching a string
 * with a regular expression costs ~750 instructions a character in QuickJS, ~240 when the
 * expression is anchored and matches the whole string at once, so the hot paths use
 * `includes` (~30) and anchored expressions.
 */

const SURROGATES = /[\ud800-\udfff]/g;
const SURROGATE_PAIRS = /[\ud800-\udbff][\udc00-\udfff]/g;
/** A string of one character a byte that is all ASCII. */
// eslint-disable-next-line no-control-regex -- the range starts at U+0000
const ALL_ASCII = /^[\u0000-\u007f]*$/;
/** `DIDL`, no types in the table, one argument, of type text. */
const TEXT_HEADER = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x71];
/** Bytes per `String.fromCharCode` call (its arguments are bounded). */
const SLICE = 8192;

/**
 * `text` as a Candid argument list of one `text`: `("…")` with `\` and `"` escaped. Every
 * other character, control characters included, stands for itself in a Candid text literal
 * (checked on the replica for U+0000 to U+007F).
 */
export function candidTextArgs(text: string): string {
  let literal = text;
  if (literal.includes('\\')) {
    literal = literal.replaceAll('\\', '\\\\');
  }
  if (literal.includes('"')) {
    literal = literal.replaceAll('"', '\\"');
  }
  return `("${literal}")`;
}

/** `String.prototype.isWellFormed` (ES2024), where the engine has it. */
type WellFormedCheck = (this: string) => boolean;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: WellFormedCheck }).isWellFormed;

/**
 * Whether every surrogate in `text` is half of a pair, so that it has a UTF-8 form. Native
 * where the engine has `isWellFormed` (QuickJS in Azle 0.33 does: ~2 instructions a character).
 */
export function isWellFormed(text: string): boolean {
  return nativeIsWellFormed === undefined
    ? isWellFormedByMatching(text)
    : nativeIsWellFormed.call(text);
}

/** {@link isWellFormed} by counting surrogates and pairs, for engines without it. */
export function isWellFormedByMatching(text: string): boolean {
  const surrogates = text.match(SURROGATES)?.length ?? 0;
  return surrogates === 0 || surrogates === 2 * (text.match(SURROGATE_PAIRS)?.length ?? 0);
}

/**
 * The UTF-8 bytes of the one `text` value in a Candid message, or `undefined`. A copy, not a
 * view: callers of `TextEncoder.encode` may read the result's whole `buffer`.
 */
function textOfCandid(message: Uint8Array): Uint8Array | undefined {
  if (!TEXT_HEADER.every((byte, index) => message[index] === byte)) {
    return undefined;
  }
  let length = 0;
  let offset = TEXT_HEADER.length;
  for (let scale = 1; ; scale *= 128) {
    const byte = message[offset++];
    if (byte === undefined) {
      return undefined;
    }
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      break;
    }
  }
  return offset + length === message.length ? message.slice(offset) : undefined;
}

/**
 * An encoder through `candidEncode` (Azle's: Candid text to bytes): the UTF-8 bytes of
 * `text`, or `undefined` for text with a lone surrogate or an unexpected encoding.
 */
export function createCandidUtf8Encoder(
  candidEncode: (candid: string) => Uint8Array,
): (text: string) => Uint8Array | undefined {
  return (text) =>
    !isWellFormed(text) ? undefined : textOfCandid(candidEncode(candidTextArgs(text)));
}

/**
 * The text of UTF-8 `bytes` as `TextDecoder` gives it (a leading byte order mark dropped
 * unless `ignoreBom`), or `undefined` if they are not well-formed UTF-8.
 */
export function decodeUtf8Native(bytes: Uint8Array, ignoreBom = false): string | undefined {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += SLICE) {
    const slice = bytes.subarray(start, start + SLICE);
    parts.push(String.fromCharCode.apply(null, slice as unknown as number[]));
  }
  const binary = parts.join('');
  if (ALL_ASCII.test(binary)) {
    return binary;
  }
  let text: string;
  try {
    // `escape` turns each byte above 0x7f into %XX; decodeURIComponent reads those as UTF-8
    // and throws a URIError on anything malformed (ECMA-262 "Decode").
    text = decodeURIComponent(escape(binary));
  } catch {
    return undefined;
  }
  return !ignoreBom && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
