/**
 * Replaces the global `TextEncoder` and `TextDecoder` of an Azle 0.33 canister (a JavaScript
 * polyfill costing ~37,000 instructions a character) with those of `createNativeText`:
 * encoding through Azle's `candidEncode`, decoding through QuickJS built-ins, the loops of
 * `fast-text.ts` as the fallback. Import it first in the canister's entry module
 * (`import '@citadel/azle-text/install';`): `azle` is imported here so that its globals are set
 * before these replace them, and before any module keeps an encoder made at load time.
 */
import { candidEncode } from 'azle';
import { createNativeText } from './text-codec.js';

const native = createNativeText(candidEncode);

globalThis.TextEncoder = native.TextEncoder as unknown as typeof TextEncoder;
globalThis.TextDecoder = native.TextDecoder as unknown as typeof TextDecoder;
