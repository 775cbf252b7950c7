/**
 * UTF-8 for Azle 0.33 canisters, whose `TextEncoder` and `TextDecoder` are a JavaScript
 * polyfill costing ~37,000 Wasm instructions a character. `@citadel/azle-text/install`
 * replaces the globals with {@link createNativeText}'s classes; {@link createUtf8Codec} is the
 * same for `StableBTreeMap` keys and values. Nothing here imports Azle: `candidEncode` is
 * passed in, so the code runs in unit tests too.
 */
export { FastTextDecoder, FastTextEncoder, decodeUtf8, encodeUtf8 } from './fast-text.js';
export {
  candidTextArgs,
  createCandidUtf8Encoder,
  decodeUtf8Native,
  isWellFormed,
  isWellFormedByMatching,
} from './native-utf8.js';
export {
  type CandidEncode,
  type NativeText,
  type TextCodec,
  createNativeText,
  createUtf8Codec,
} from './text-codec.js';
