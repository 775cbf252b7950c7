/**
 * UTF-8 for the text keys and values of stable-memory tables, without Azle's `TextEncoder` and
 * `TextDecoder`. In Azle 0.33 those are a JavaScript polyfill (`@sinonjs/text-encoding`) that
 * costs about 37,000 instructions per character: 15 M to encode a 400-byte asset record and
 * 16 M to decode it (measured on the replica), more than everything else a commit does per
 * file. Here encoding goes through Azle's `candidEncode`, the Candid parser in Rust (a text
 * literal comes back as its UTF-8 bytes after a short header), and decoding through QuickJS
 * built-ins (`String.fromCharCode` and `decodeURIComponent`): about 150,000 and 300,000
 * instructions for the same record. Both give the same bytes and text as the standard
 * encoders, so tables written with either read back alike; anything the fast paths do not
 * handle goes to `fallback`.
 */

export interface TextCodec {
  readonly toBytes: (text: string) => Uint8Array;
  readonly fromBytes: (bytes: Uint8Array) => string;
}

/** Characters a Candid text literal may not hold raw (`"` and `\` are escaped instead). */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Bytes beyond ASCII. */
const NON_ASCII = /[\u0080-\u00ff]/;
/** `DIDL`, no types in the table, one argument, of type text. */
const HEADER = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x71];
/** Bytes per `String.fromCharCode` call (its arguments are bounded). */
const SLICE = 8192;

/**
 * A codec that encodes through `candidEncode` (Azle's: Candid text to bytes) and falls back
 * to `fallback` (e.g. `TextEncoder`/`TextDecoder`) for text with control characters, for
 * bytes that are not UTF-8, and whenever the Candid encoding is not the expected one.
 */
export function utf8Codec(
  candidEncode: (candid: string) => Uint8Array,
  fallback: TextCodec,
): TextCodec {
  return {
    toBytes(text) {
      if (CONTROL.test(text)) {
        return fallback.toBytes(text);
      }
      const literal = text.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
      const encoded = candidEncode(`("${literal}")`);
      const bytes = textOfCandid(encoded);
      return bytes ?? fallback.toBytes(text);
    },
    fromBytes(bytes) {
      const parts: string[] = [];
      for (let start = 0; start < bytes.length; start += SLICE) {
        const slice = bytes.subarray(start, start + SLICE);
        parts.push(String.fromCharCode.apply(null, slice as unknown as number[]));
      }
      const binary = parts.join('');
      if (!NON_ASCII.test(binary)) {
        return binary;
      }
      try {
        return decodeURIComponent(escape(binary));
      } catch {
        return fallback.fromBytes(bytes);
      }
    },
  };
}

/** The UTF-8 bytes of the one text value in a Candid message, or undefined if it is not one. */
function textOfCandid(message: Uint8Array): Uint8Array | undefined {
  if (!HEADER.every((byte, index) => message[index] === byte)) {
    return undefined;
  }
  let length = 0;
  let offset = HEADER.length;
  for (let shift = 1; ; shift *= 128) {
    const byte = message[offset++];
    if (byte === undefined) {
      return undefined;
    }
    length += (byte & 0x7f) * shift;
    if (byte < 0x80) {
      break;
    }
  }
  return offset + length === message.length ? message.subarray(offset) : undefined;
}
