import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { type TextCodec, utf8Codec } from './utf8.js';

const standard: TextCodec = {
  toBytes: (text) => new TextEncoder().encode(text),
  fromBytes: (bytes) => new TextDecoder().decode(bytes),
};

/** Azle's `candidEncode` for the one shape the codec sends: `("<text with \\ and \" escaped>")`. */
function candidEncode(candid: string): Uint8Array {
  const match = /^\("(.*)"\)$/s.exec(candid);
  if (match === null) {
    throw new Error(`unexpected Candid: ${candid}`);
  }
  const text = (match[1] as string).replace(/\\(["\\])/g, '$1');
  return new Uint8Array(IDL.encode([IDL.Text], [text]));
}

const SAMPLES = [
  '',
  '/index.html',
  '{"contentType":"text/html","headers":[["x-a","b \\"c\\""]]}',
  '/ünïcödé/日本語.html',
  '/with space/a file.txt',
  'emoji 🎉 outside the BMP',
  'back\\slash and "quotes" and \\"both\\"',
  'latin-1 range: é ÿ ¡',
  'x'.repeat(20_000),
  `${'é'.repeat(9_000)}${'日'.repeat(5_000)}`,
];

describe('utf8Codec', () => {
  it('encodes and decodes as TextEncoder and TextDecoder do, through the Candid encoder', () => {
    let calls = 0;
    const codec = utf8Codec((candid) => (calls++, candidEncode(candid)), {
      toBytes: () => {
        throw new Error('fallback used');
      },
      fromBytes: () => {
        throw new Error('fallback used');
      },
    });
    for (const text of SAMPLES) {
      const bytes = codec.toBytes(text);
      expect(bytes).toEqual(new TextEncoder().encode(text));
      expect(codec.fromBytes(bytes)).toBe(text);
    }
    expect(calls).toBe(SAMPLES.length);
  });

  it('falls back for control characters, unexpected encodings and bytes that are not UTF-8', () => {
    const codec = utf8Codec(candidEncode, standard);
    expect(codec.toBytes('tab\there')).toEqual(new TextEncoder().encode('tab\there'));
    expect(codec.fromBytes(new TextEncoder().encode('new\nline'))).toBe('new\nline');
    const odd = utf8Codec(() => new Uint8Array([1, 2, 3]), standard);
    expect(odd.toBytes('/index.html')).toEqual(new TextEncoder().encode('/index.html'));
    const invalid = new Uint8Array([0x2f, 0xc3, 0x28]);
    expect(codec.fromBytes(invalid)).toBe(new TextDecoder().decode(invalid));
  });
});
