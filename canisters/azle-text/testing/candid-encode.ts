import { IDL } from '@dfinity/candid';

/**
 * Azle's `candidEncode` for the one shape the native encoder sends, `("…")`, read as the
 * Candid lexer reads a text literal: `\\` and `\"` are escapes, every other character stands
 * for itself (on the replica, U+0000 to U+007F were checked to pass through raw).
 */
export function candidEncode(candid: string): Uint8Array {
  const match = /^\("((?:[^"\\]|\\["\\])*)"\)$/s.exec(candid);
  if (match === null) {
    throw new Error(`not a Candid text argument list: ${candid.slice(0, 40)}`);
  }
  const text = (match[1] as string).replace(/\\(["\\])/g, '$1');
  return new Uint8Array(IDL.encode([IDL.Text], [text]));
}
