import { FastTextDecoder, FastTextEncoder, decodeUtf8, encodeUtf8 } from './fast-text.js';
import { createCandidUtf8Encoder, decodeUtf8Native } from './native-utf8.js';

/** Azle's `candidEncode`: a Candid value string to its binary form. */
export type CandidEncode = (candid: string) => Uint8Array;

/** A key or value serializer of Azle's `StableBTreeMap` for text. */
export interface TextCodec {
  readonly toBytes: (text: string) => Uint8Array;
  readonly fromBytes: (bytes: Uint8Array) => string;
}

/** The `TextEncoder` and `TextDecoder` classes that {@link createNativeText} makes. */
export interface NativeText {
  readonly TextEncoder: typeof FastTextEncoder;
  readonly TextDecoder: typeof FastTextDecoder;
}

/**
 * `TextEncoder` and `TextDecoder` classes that take the native paths of `native-utf8.ts`
 * (encoding through `candidEncode`, decoding through QuickJS built-ins) and fall back to the
 * loops of `fast-text.ts` for what those decline, so they give exactly what the standard
 * classes give, lone surrogates, malformed bytes and `fatal` included.
 */
export function createNativeText(candidEncode: CandidEncode): NativeText {
  const encodeNative = createCandidUtf8Encoder(candidEncode);

  class NativeTextEncoder extends FastTextEncoder {
    override encode(input = ''): Uint8Array {
      const text = String(input);
      return encodeNative(text) ?? super.encode(text);
    }
  }

  class NativeTextDecoder extends FastTextDecoder {
    override decode(input?: ArrayBuffer | ArrayBufferView): string {
      const bytes =
        input === undefined
          ? new Uint8Array(0)
          : ArrayBuffer.isView(input)
            ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
            : new Uint8Array(input);
      return decodeUtf8Native(bytes, this.ignoreBOM) ?? super.decode(bytes);
    }
  }

  return { TextEncoder: NativeTextEncoder, TextDecoder: NativeTextDecoder };
}

/**
 * UTF-8 for the text keys and values of `StableBTreeMap`s, through the same native paths as
 * {@link createNativeText} whether or not the globals are installed. Unlike a default
 * `TextDecoder` it keeps a leading U+FEFF, so every string reads back as it was written;
 * bytes that are not UTF-8 read as the standard decoder reads them (U+FFFD for each
 * ill-formed sequence).
 */
export function createUtf8Codec(candidEncode: CandidEncode): TextCodec {
  const encodeNative = createCandidUtf8Encoder(candidEncode);
  return {
    toBytes: (text) => encodeNative(text) ?? encodeUtf8(text),
    fromBytes: (bytes) => decodeUtf8Native(bytes, true) ?? decodeUtf8(bytes, false, true),
  };
}
