import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { decodeCbor } from './decode.js';
import { CborErrorCode } from './errors.js';
import { CborTag } from './types.js';
import type { CborValue } from './types.js';

const decodeHex = (hex: string, maxDepth?: number): CborValue =>
  decodeCbor(hexToBytes(hex), maxDepth === undefined ? {} : { maxDepth });

function expectCode(hex: string, code: string, maxDepth?: number): CitadelError {
  let caught: unknown;
  try {
    decodeHex(hex, maxDepth);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CitadelError);
  const error = caught as CitadelError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/byte offset \d+/);
  return error;
}

describe('decodeCbor — RFC 8949 Appendix A vectors (supported subset)', () => {
  const vectors: [string, CborValue][] = [
    ['00', 0],
    ['01', 1],
    ['0a', 10],
    ['17', 23],
    ['1818', 24],
    ['1819', 25],
    ['1864', 100],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['1bffffffffffffffff', 18446744073709551615n],
    ['3bffffffffffffffff', -18446744073709551616n],
    ['20', -1],
    ['29', -10],
    ['3863', -100],
    ['3903e7', -1000],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['f7', undefined],
    ['40', new Uint8Array()],
    ['4401020304', new Uint8Array([1, 2, 3, 4])],
    ['60', ''],
    ['6161', 'a'],
    ['6449455446', 'IETF'],
    ['62225c', '"\\'],
    ['62c3bc', '\u00fc'],
    ['63e6b0b4', '\u6c34'],
    ['64f0908591', '\u{10151}'],
    ['80', []],
    ['83010203', [1, 2, 3]],
    ['8301820203820405', [1, [2, 3], [4, 5]]],
    [
      '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
      Array.from({ length: 25 }, (_, i) => i + 1),
    ],
    ['c11a514b67b0', new CborTag(1, 1363896240)],
    ['d74401020304', new CborTag(23, new Uint8Array([1, 2, 3, 4]))],
    ['d818456449455446', new CborTag(24, hexToBytes('6449455446'))],
    [
      'd82076687474703a2f2f7777772e6578616d706c652e636f6d',
      new CborTag(32, 'http://www.example.com'),
    ],
    ['c249010000000000000000', new CborTag(2, hexToBytes('010000000000000000'))],
  ];

  it.each(vectors)('decodeCbor decodes %s', (hex, expected) => {
    expect(decodeHex(hex)).toStrictEqual(expected);
  });

  it('decodeCbor decodes the RFC map vectors into null-prototype objects', () => {
    expect(decodeHex('826161a161626163')).toEqual(['a', { b: 'c' }]);
    const map = decodeHex('a26161016162820203') as Record<string, CborValue>;
    expect(Object.getPrototypeOf(map)).toBeNull();
    expect({ ...map }).toStrictEqual({ a: 1, b: [2, 3] });
    const letters = decodeHex('a56161614161626142616361436164614461656145');
    expect(Object.keys(letters as object)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Object.getPrototypeOf(decodeHex('a0'))).toBeNull();
  });

  it('decodeCbor keeps the largest safe integers as numbers and switches to bigint beyond', () => {
    expect(decodeHex('1b001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeHex('1b0020000000000000')).toBe(2n ** 53n);
    expect(decodeHex('3b001ffffffffffffe')).toBe(Number.MIN_SAFE_INTEGER);
    expect(decodeHex('3b001fffffffffffff')).toBe(-(2n ** 53n));
  });

  it('decodeCbor strips the self-describe tag 55799 at the top and inside', () => {
    expect(decodeHex('d9d9f7d9d9f78201d9d9f702')).toStrictEqual([1, 2]);
  });

  it('decodeCbor accepts a non-minimal integer width', () => {
    expect(decodeHex('1900ff')).toBe(255);
  });

  it('decodeCbor keeps a map key whose value is undefined', () => {
    const map = decodeHex('a1616ef7') as Record<string, CborValue>;
    expect(Object.hasOwn(map, 'n')).toBe(true);
    expect(map.n).toBeUndefined();
  });

  it('decodeCbor keeps "__proto__" as an ordinary key', () => {
    const map = decodeHex('a1695f5f70726f746f5f5f01') as Record<string, CborValue>;
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(map)).toBeNull();
  });

  it('decodeCbor returns byte strings as views into the input without copying', () => {
    const payload = new Uint8Array(2 * 1024 * 1024).fill(7);
    const input = new Uint8Array(5 + payload.length);
    input.set([0x5a, 0x00, 0x20, 0x00, 0x00]);
    input.set(payload, 5);
    const decoded = decodeCbor(input) as Uint8Array;
    expect(decoded.length).toBe(payload.length);
    expect(decoded.buffer).toBe(input.buffer);
    expect(decoded.byteOffset).toBe(5);
  });

  it('decodeCbor preserves a leading byte-order mark in text', () => {
    expect(decodeHex('63efbbbf')).toBe('\ufeff');
  });
});

describe('decodeCbor rejections', () => {
  it('decodeCbor fails when the input is empty', () => {
    expectCode('', CborErrorCode.TRUNCATED);
  });

  it('decodeCbor fails when an integer argument is truncated', () => {
    const error = expectCode('1a0001', CborErrorCode.TRUNCATED);
    expect(error.kind).toBe('protocol');
    expect(error.details.offset).toBe(0);
  });

  it('decodeCbor fails when an array ends early', () => {
    expectCode('83018102', CborErrorCode.TRUNCATED);
  });

  it('decodeCbor fails when bytes follow the top-level item', () => {
    const error = expectCode('0102', CborErrorCode.TRAILING_BYTES);
    expect(error.details.offset).toBe(1);
  });

  it('decodeCbor fails when a byte string is longer than the remaining input', () => {
    expectCode('4501020304', CborErrorCode.LENGTH_EXCEEDS_INPUT);
  });

  it('decodeCbor fails without allocating when an array declares 2^32 - 1 elements', () => {
    expectCode('9affffffff00', CborErrorCode.LENGTH_EXCEEDS_INPUT);
  });

  it('decodeCbor fails when a length does not fit a safe integer', () => {
    expectCode('5bffffffffffffffff00', CborErrorCode.LENGTH_EXCEEDS_INPUT);
  });

  it('decodeCbor fails when a map declares more entries than bytes remain', () => {
    expectCode('a3616101', CborErrorCode.LENGTH_EXCEEDS_INPUT);
  });

  it('decodeCbor fails when a map key is not text', () => {
    const error = expectCode('a201020304', CborErrorCode.NON_TEXT_KEY);
    expect(error.details.offset).toBe(1);
  });

  it('decodeCbor fails when a map key is a byte string', () => {
    expectCode('a1416101', CborErrorCode.NON_TEXT_KEY);
  });

  it('decodeCbor fails when a map key appears twice', () => {
    const error = expectCode('a2616101616102', CborErrorCode.DUPLICATE_KEY);
    expect(error.details.key).toBe('a');
  });

  it.each([
    ['half', 'f90000'],
    ['single', 'fa47c35000'],
    ['double', 'fb3ff199999999999a'],
    ['infinity', 'f97c00'],
  ])('decodeCbor fails on a %s-precision float', (_name, hex) => {
    expectCode(hex, CborErrorCode.FLOAT);
  });

  it.each([
    ['byte string', '5f42010243030405ff'],
    ['text string', '7f657374726561646d696e67ff'],
    ['array', '9fff'],
    ['map', 'bf61610161629f0203ffff'],
  ])('decodeCbor fails on an indefinite-length %s', (_name, hex) => {
    expectCode(hex, CborErrorCode.INDEFINITE_LENGTH);
  });

  it('decodeCbor fails on a stray break byte', () => {
    expectCode('ff', CborErrorCode.INDEFINITE_LENGTH);
  });

  it.each(['1c', '3d', '5e', '7c', '9d', 'be', 'dc', 'fc', '1f', 'df'])(
    'decodeCbor fails on reserved or meaningless additional information in %s',
    (hex) => {
      const code =
        hex === '1f' || hex === 'df'
          ? CborErrorCode.INDEFINITE_LENGTH
          : CborErrorCode.RESERVED_ADDITIONAL_INFO;
      expectCode(hex, code);
    },
  );

  it.each([
    ['simple(16)', 'f0'],
    ['simple(255)', 'f8ff'],
  ])('decodeCbor fails on the unsupported simple value %s', (_name, hex) => {
    expectCode(hex, CborErrorCode.UNSUPPORTED_SIMPLE_VALUE);
  });

  it('decodeCbor fails on text that is not UTF-8', () => {
    expectCode('62c328', CborErrorCode.INVALID_UTF8);
  });

  it('decodeCbor fails on a map key that is not UTF-8', () => {
    expectCode('a162c32801', CborErrorCode.INVALID_UTF8);
  });

  it('decodeCbor fails when a tag number exceeds 2^53 - 1', () => {
    expectCode('dbffffffffffffffff00', CborErrorCode.UNSUPPORTED_TAG);
  });

  it('decodeCbor fails when nesting exceeds maxDepth', () => {
    const error = expectCode('818180', CborErrorCode.MAX_DEPTH, 2);
    expect(error.kind).toBe('limit');
    expect(decodeHex('8180', 2)).toStrictEqual([[]]);
  });

  it('decodeCbor fails when nesting exceeds the default depth of 64', () => {
    expectCode('81'.repeat(65) + '00', CborErrorCode.MAX_DEPTH);
    expect(() => decodeHex('81'.repeat(64) + '00')).not.toThrow();
  });

  it('decodeCbor counts tags other than 55799 towards the depth', () => {
    expectCode('c1c100', CborErrorCode.MAX_DEPTH, 1);
  });

  it('decodeCbor survives a long chain of self-describe tags', () => {
    expect(decodeHex('d9d9f7'.repeat(10_000) + '01')).toBe(1);
  });
});
