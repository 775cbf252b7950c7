/**
 * Replaces Azle's `TextEncoder` and `TextDecoder` (see `fast-text.ts`). Imported first by the
 * canister's entry module: `azle` is imported here so that its globals are set before ours
 * replace them, and before any module keeps an encoder made at load time.
 */
import 'azle';
import { FastTextDecoder, FastTextEncoder } from './fast-text.js';

globalThis.TextEncoder = FastTextEncoder as unknown as typeof TextEncoder;
globalThis.TextDecoder = FastTextDecoder as unknown as typeof TextDecoder;
