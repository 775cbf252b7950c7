import { describe, expect, it } from 'vitest';
import {
  candidTextArgs,
  createCandidUtf8Encoder,
  decodeUtf8Native,
  isWellFormed,
  isWellFormedByMatching,
} from './native-utf8.js';
import { candidEncode } from '../testing/candid-encode.js';

const SAMPLES = [
  '',
  'plain ascii',
  'quotes " and \\ backslashes \\" \\\\ "',
  'line\nfeed\ttab\r\u0000nul\u007f',
  'résumé 日本語 🙂 👨‍👩‍👧',
  '\ufeffstarts with a byte order mark',
  'x'.repeat(20_000),
  `${'é'.repeat(9_000)}${'日'.repeat(5_000)}${'🙂'.repeat(2_000)}`,
];

describe('candidTextArgs', () => {
  it('escapes only backslashes and double quotes', () => {
    expect(candidTextArgs('a"b\\c\nd')).toBe('("a\\"b\\\\c\nd")');
    expect(candidTextArgs('')).toBe('("")');
  });
});

describe('the native UTF-8 encoder', () => {
  it('gives the bytes TextEncoder gives', () => {
    const encode = createCandidUtf8Encoder(candidEncode);
    for (const text of SAMPLES) {
      expect(encode(text), text.slice(0, 20)).toEqual(new TextEncoder().encode(text));
    }
  });

  it('gives bytes in a buffer of their own, as TextEncoder does', () => {
    const bytes = createCandidUtf8Encoder(candidEncode)('résumé');
    expect(bytes?.byteOffset).toBe(0);
    expect(bytes?.buffer.byteLength).toBe(8);
  });

  it('declines text with a lone surrogate, and an unexpected Candid encoding', () => {
    const encode = createCandidUtf8Encoder(candidEncode);
    expect(encode('lone \ud800')).toBeUndefined();
    expect(encode('\udc00 lone')).toBeUndefined();
    const odd = createCandidUtf8Encoder(() => Uint8Array.of(1, 2, 3));
    expect(odd('text')).toBeUndefined();
    const short = createCandidUtf8Encoder((candid) => candidEncode(candid).subarray(0, 9));
    expect(short('text')).toBeUndefined();
  });
});

describe('the native UTF-8 decoder', () => {
  it('gives the text TextDecoder gives, a leading byte order mark dropped', () => {
    for (const text of SAMPLES) {
      const bytes = new TextEncoder().encode(text);
      expect(decodeUtf8Native(bytes), text.slice(0, 20)).toBe(new TextDecoder().decode(bytes));
    }
    const marked = new TextEncoder().encode('\ufeffmark');
    expect(decodeUtf8Native(marked)).toBe('mark');
    expect(decodeUtf8Native(marked, true)).toBe('\ufeffmark');
  });

  it('declines malformed UTF-8: bad continuations, overlongs, surrogates, truncation', () => {
    for (const bytes of [
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0x99],
      [0x61, 0xff, 0x62],
      [0xe2, 0x82],
    ]) {
      expect(decodeUtf8Native(Uint8Array.from(bytes)), bytes.join(',')).toBeUndefined();
    }
  });

  it('decodes a view into a larger buffer, longer than one fromCharCode slice', () => {
    const bytes = new TextEncoder().encode(`__${'日'.repeat(10_000)}__`);
    expect(decodeUtf8Native(bytes.subarray(2, bytes.length - 2))).toBe('日'.repeat(10_000));
  });
});

describe('isWellFormed', () => {
  it('finds lone surrogates, pairs being fine, natively and by matching', () => {
    for (const check of [isWellFormed, isWellFormedByMatching]) {
      expect(check('')).toBe(true);
      expect(check('🙂 ok 🙂')).toBe(true);
      for (const text of ['\ud800', 'a\udc00', '\udc00\ud800', '\ud800\ud800\udc00\udc00']) {
        expect(check(text), JSON.stringify(text)).toBe(false);
      }
    }
  });
});
