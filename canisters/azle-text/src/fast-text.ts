/**
 * `TextEncoder` and `TextDecoder` for UTF-8 as plain JavaScript loops: the fallback of the native
 * paths in `native-utf8.ts` for what those decline (lone surrogates, malformed bytes). Correct, but
 * not cheap: every loop turn costs thousands of Wasm instructions in Azle's QuickJS. Measured on
 * the replica, encoding costs ~14,000 instructions a character of ASCII, ~25,000 of two bytes,
 * ~35,000 of three and ~60,000 outside the BMP; decoding ~12,300 a byte of ASCII and ~23,500 a byte
 * of other text. Azle 0.33's own polyfill (`@sinonjs/text-encoding`) costs 2.5 to 3.5 times that
 * (~36,000 a character of ASCII to encode, ~40,000 a byte to decode); the native paths ~100 and
 * ~460, after a fixed ~113,000 and ~58,000 a call. Only UTF-8 is supported, which is all canisters
 * and `@dfinity/candid` use.
 */

const REPLACEMENT = 0xfffd;
/** Code units per `String.fromCharCode` call (its arguments are bounded). */
const SLICE = 8192;

/** The UTF-8 bytes of `text`; lone surrogates become U+FFFD, as the standard encoder does. */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[at++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = REPLACEMENT;
      }
    }
    if (code < 0x800) {
      out[at++] = 0xc0 | (code >> 6);
      out[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      out[at++] = 0xe0 | (code >> 12);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    } else {
      out[at++] = 0xf0 | (code >> 18);
      out[at++] = 0x80 | ((code >> 12) & 0x3f);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    }
  }
  return out.slice(0, at);
}

/**
 * The text of UTF-8 `bytes`. Malformed input throws a `TypeError` when `fatal`, else each
 * maximal ill-formed subsequence becomes U+FFFD, as the Encoding Standard specifies.
 */
export function decodeUtf8(bytes: Uint8Array, fatal: boolean, ignoreBom = false): string {
  const units: number[] = [];
  const parts: string[] = [];
  let i = !ignoreBom && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const bad = (): void => {
    if (fatal) {
      throw new TypeError('The encoded data was not valid for encoding utf-8');
    }
    units.push(REPLACEMENT);
  };
  while (i < bytes.length) {
    const first = bytes[i] as number;
    if (first < 0x80) {
      units.push(first);
      i++;
    } else {
      let needed = 0;
      let code = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (first >= 0xc2 && first <= 0xdf) {
        needed = 1;
        code = first & 0x1f;
      } else if (first >= 0xe0 && first <= 0xef) {
        needed = 2;
        code = first & 0x0f;
        if (first === 0xe0) {
          lower = 0xa0;
        }
        if (first === 0xed) {
          upper = 0x9f;
        }
      } else if (first >= 0xf0 && first <= 0xf4) {
        needed = 3;
        code = first & 0x07;
        if (first === 0xf0) {
          lower = 0x90;
        }
        if (first === 0xf4) {
          upper = 0x8f;
        }
      } else {
        bad();
        i++;
        continue;
      }
      let j = i + 1;
      let complete = true;
      for (let k = 0; k < needed; k++, j++) {
        const next = bytes[j];
        if (next === undefined || next < lower || next > upper) {
          complete = false;
          break;
        }
        code = (code << 6) | (next & 0x3f);
        lower = 0x80;
        upper = 0xbf;
      }
      if (!complete) {
        bad();
        i = j;
        continue;
      }
      if (code >= 0x10000) {
        code -= 0x10000;
        units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
      } else {
        units.push(code);
      }
      i = j;
    }
    if (units.length >= SLICE) {
      parts.push(String.fromCharCode.apply(null, units));
      units.length = 0;
    }
  }
  parts.push(String.fromCharCode.apply(null, units));
  return parts.join('');
}

function isUtf8Label(label: string): boolean {
  const name = label.trim().toLowerCase();
  return name === 'utf-8' || name === 'utf8' || name === 'unicode-1-1-utf-8';
}

function toBytes(input: ArrayBuffer | ArrayBufferView | undefined): Uint8Array {
  if (input === undefined) {
    return new Uint8Array(0);
  }
  if (input instanceof Uint8Array) {
    return input;
  }
  if (ArrayBuffer.isView(input)) {
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  }
  return new Uint8Array(input);
}

/** A `TextEncoder` (UTF-8) over {@link encodeUtf8}. */
export class FastTextEncoder {
  readonly encoding = 'utf-8';

  encode(input = ''): Uint8Array {
    return encodeUtf8(String(input));
  }

  encodeInto(source: string, destination: Uint8Array): { read: number; written: number } {
    const bytes = encodeUtf8(source);
    if (bytes.length > destination.length) {
      throw new RangeError('encodeInto: the destination is too small');
    }
    destination.set(bytes);
    return { read: source.length, written: bytes.length };
  }
}

/** A `TextDecoder` for UTF-8 only, over {@link decodeUtf8}; other labels throw a `RangeError`. */
export class FastTextDecoder {
  readonly encoding = 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;

  constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    if (!isUtf8Label(label)) {
      throw new RangeError(`This TextDecoder only decodes UTF-8, not ${label}`);
    }
    this.fatal = options.fatal === true;
    this.ignoreBOM = options.ignoreBOM === true;
  }

  decode(input?: ArrayBuffer | ArrayBufferView): string {
    return decodeUtf8(toBytes(input), this.fatal, this.ignoreBOM);
  }
}
