import { describe, expect, it } from 'vitest';
import { createNativeText, createUtf8Codec } from './text-codec.js';
import { candidEncode } from '../testing/candid-encode.js';

const standard = { encoder: new TextEncoder(), decoder: new TextDecoder() };

const SAMPLES = [
  '',
  '/index.html',
  '{"contentType":"text/html","headers":[["x-a","b \\"c\\""]]}',
  '/ünïcödé/日本語.html',
  'emoji 🎉 outside the BMP',
  'back\\slash and "quotes" and \\"both\\"',
  'tab\tand\nnew line',
  'x'.repeat(20_000),
  `${'é'.repeat(9_000)}${'日'.repeat(5_000)}`,
];

/** A `candidEncode` that counts its calls. */
function counting(): { encode: (candid: string) => Uint8Array; calls: () => number } {
  let calls = 0;
  return { encode: (candid) => (calls++, candidEncode(candid)), calls: () => calls };
}

describe('createNativeText', () => {
  it('encodes and decodes as the standard classes do, through candidEncode', () => {
    const candid = counting();
    const { TextEncoder: Encoder, TextDecoder: Decoder } = createNativeText(candid.encode);
    for (const text of SAMPLES) {
      const bytes = new Encoder().encode(text);
      expect(bytes, text.slice(0, 20)).toEqual(standard.encoder.encode(text));
      expect(new Decoder().decode(bytes)).toBe(text);
    }
    expect(candid.calls()).toBe(SAMPLES.length);
  });

  it('falls back to the loops for lone surrogates, malformed bytes and fatal decoding', () => {
    const { TextEncoder: Encoder, TextDecoder: Decoder } = createNativeText(candidEncode);
    expect(new Encoder().encode('lone \ud800')).toEqual(standard.encoder.encode('lone \ud800'));
    const malformed = Uint8Array.of(0x2f, 0xc3, 0x28, 0xf0, 0x9f);
    expect(new Decoder().decode(malformed)).toBe(standard.decoder.decode(malformed));
    expect(() => new Decoder('utf-8', { fatal: true }).decode(malformed)).toThrow(TypeError);
    expect(new Decoder('utf-8', { fatal: true }).decode(Uint8Array.of(0x68, 0x69))).toBe('hi');
  });

  it('drops a byte order mark unless told not to, and decodes buffers and views', () => {
    const { TextEncoder: Encoder, TextDecoder: Decoder } = createNativeText(candidEncode);
    const marked = new Encoder().encode('\ufeffé');
    expect(new Decoder().decode(marked)).toBe('é');
    expect(new Decoder('utf-8', { ignoreBOM: true }).decode(marked)).toBe('\ufeffé');
    const bytes = new Encoder().encode('__日本__');
    expect(new Decoder().decode(bytes.buffer as ArrayBuffer)).toBe('__日本__');
    expect(new Decoder().decode(new DataView(bytes.buffer, 2, 6))).toBe('日本');
    expect(new Decoder().decode()).toBe('');
    expect(() => new Decoder('latin1')).toThrow(RangeError);
  });
});

describe('createUtf8Codec', () => {
  it('writes what TextEncoder writes and reads every string back as it was', () => {
    const candid = counting();
    const codec = createUtf8Codec(candid.encode);
    for (const text of [...SAMPLES, '\ufeffleading byte order mark']) {
      const bytes = codec.toBytes(text);
      expect(bytes, text.slice(0, 20)).toEqual(standard.encoder.encode(text));
      expect(codec.fromBytes(bytes)).toBe(text);
    }
    expect(candid.calls()).toBe(SAMPLES.length + 1);
  });

  it('falls back for lone surrogates, an unexpected Candid encoding and bytes that are not UTF-8', () => {
    const codec = createUtf8Codec(candidEncode);
    expect(codec.toBytes('\udc00 lone')).toEqual(standard.encoder.encode('\udc00 lone'));
    const odd = createUtf8Codec(() => Uint8Array.of(1, 2, 3));
    expect(odd.toBytes('/index.html')).toEqual(standard.encoder.encode('/index.html'));
    const invalid = Uint8Array.of(0x2f, 0xc3, 0x28);
    expect(codec.fromBytes(invalid)).toBe(standard.decoder.decode(invalid));
  });
});
