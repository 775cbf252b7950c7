import { describe, expect, it } from 'vitest';
import { FastTextDecoder, FastTextEncoder, decodeUtf8, encodeUtf8 } from './fast-text.js';

/** A seeded generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) & 0x7fffffff) / 0x7fffffff;
}

const native = { encoder: new TextEncoder(), decoder: new TextDecoder() };

describe('the canister text codec', () => {
  it('encodes like the standard encoder: ASCII, 2-, 3- and 4-byte characters, lone surrogates', () => {
    const samples = [
      '',
      'plain ascii',
      'résumé',
      '中文字符',
      '🙂 emoji 🧱',
      '\ud800 lone',
      'end \udc00',
    ];
    const next = random(7);
    for (let n = 0; n < 200; n++) {
      samples.push(
        Array.from({ length: Math.floor(next() * 40) }, () =>
          String.fromCharCode(Math.floor(next() * 0x10000)),
        ).join(''),
      );
    }
    for (const text of samples) {
      expect(encodeUtf8(text), JSON.stringify(text)).toEqual(native.encoder.encode(text));
      expect(decodeUtf8(native.encoder.encode(text), true)).toBe(
        native.decoder.decode(native.encoder.encode(text)),
      );
    }
  });

  it('decodes malformed input with the standard replacement characters, or throws when fatal', () => {
    const next = random(11);
    const cases = [
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x99],
      [0x61, 0xff, 0x62],
      [0xe2, 0x82],
    ];
    for (let n = 0; n < 300; n++) {
      cases.push(Array.from({ length: Math.floor(next() * 12) }, () => Math.floor(next() * 256)));
    }
    for (const bytes of cases.map((list) => new Uint8Array(list))) {
      expect(decodeUtf8(bytes, false), `[${[...bytes]}]`).toBe(native.decoder.decode(bytes));
      let nativeThrows = false;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        nativeThrows = true;
      }
      if (nativeThrows) {
        expect(() => decodeUtf8(bytes, true)).toThrow(TypeError);
      } else {
        expect(decodeUtf8(bytes, true)).toBe(native.decoder.decode(bytes));
      }
    }
  });

  it('drops a byte-order mark unless told not to, and decodes views and long inputs', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]);
    expect(new FastTextDecoder().decode(withBom)).toBe('hi');
    expect(new FastTextDecoder('utf-8', { ignoreBOM: true }).decode(withBom)).toBe('\ufeffhi');
    const long = 'ünïcødé '.repeat(5_000);
    const bytes = new FastTextEncoder().encode(long);
    expect(new FastTextDecoder('utf8').decode(new DataView(bytes.buffer))).toBe(long);
    expect(new FastTextDecoder().decode()).toBe('');
    expect(() => new FastTextDecoder('latin1')).toThrow(RangeError);
  });
});
