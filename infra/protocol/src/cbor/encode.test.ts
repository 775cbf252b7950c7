import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { encodeCbor } from './encode.js';
import { CborErrorCode } from './errors.js';
import { CborTag } from './types.js';
import type { CborValue } from './types.js';

const encodeHex = (value: CborValue): string =>
  bytesToHex(encodeCbor(value, { selfDescribe: false }));

function expectCode(value: unknown, code: string): CitadelError {
  let caught: unknown;
  try {
    encodeCbor(value as CborValue);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CitadelError);
  const error = caught as CitadelError;
  expect(error.code).toBe(code);
  expect(error.kind).toBe('input');
  return error;
}

describe('encodeCbor — RFC 8949 Appendix A vectors (supported subset)', () => {
  const vectors: [CborValue, string][] = [
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [18446744073709551615n, '1bffffffffffffffff'],
    [-18446744073709551616n, '3bffffffffffffffff'],
    [-1, '20'],
    [-10, '29'],
    [-100, '3863'],
    [-1000, '3903e7'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [undefined, 'f7'],
    [new Uint8Array(), '40'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    ['"\\', '62225c'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\u{10151}', '64f0908591'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [
      Array.from({ length: 25 }, (_, i) => i + 1),
      '98190102030405060708090a0b0c0d0e0f101112131415161718181819',
    ],
    [{}, 'a0'],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [['a', { b: 'c' }], '826161a161626163'],
    [{ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' }, 'a56161614161626142616361436164614461656145'],
    [new CborTag(1, 1363896240), 'c11a514b67b0'],
    [new CborTag(23, new Uint8Array([1, 2, 3, 4])), 'd74401020304'],
    [
      new CborTag(32, 'http://www.example.com'),
      'd82076687474703a2f2f7777772e6578616d706c652e636f6d',
    ],
  ];

  it.each(vectors)('encodeCbor encodes %o as %s', (value, hex) => {
    expect(encodeHex(value)).toBe(hex);
  });
});

describe('encodeCbor', () => {
  it('encodeCbor prefixes the self-describe tag 55799 by default', () => {
    expect(bytesToHex(encodeCbor(1))).toBe('d9d9f701');
  });

  it('encodeCbor writes every integer width minimally, for numbers and bigints alike', () => {
    const cases: [number, string][] = [
      [23, '17'],
      [255, '18ff'],
      [256, '190100'],
      [65535, '19ffff'],
      [65536, '1a00010000'],
      [4294967295, '1affffffff'],
      [4294967296, '1b0000000100000000'],
      [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      [-24, '37'],
      [-25, '3818'],
      [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
    ];
    for (const [value, hex] of cases) {
      expect(encodeHex(value)).toBe(hex);
      expect(encodeHex(BigInt(value))).toBe(hex);
    }
  });

  it('encodeCbor encodes -0 as 0', () => {
    expect(encodeHex(-0)).toBe('00');
  });

  it('encodeCbor omits map fields whose value is undefined and keeps insertion order', () => {
    expect(encodeHex({ z: 1, skipped: undefined, a: 2 })).toBe('a2617a01616102');
  });

  it('encodeCbor writes undefined array elements as simple value 23', () => {
    expect(encodeHex([undefined])).toBe('81f7');
  });

  it('encodeCbor encodes null-prototype maps', () => {
    const map = Object.create(null) as Record<string, CborValue>;
    map.k = 1;
    expect(encodeHex(map)).toBe('a1616b01');
  });

  it('encodeCbor encodes a plain object with tag/value keys as a map, not a tag', () => {
    expect(encodeHex({ tag: 1, value: 2 })).toBe('a263746167016576616c756502');
  });

  it('encodeCbor copies a 2 MiB byte string intact', () => {
    const payload = new Uint8Array(2 * 1024 * 1024);
    payload[0] = 1;
    payload[payload.length - 1] = 2;
    const encoded = encodeCbor({ arg: payload });
    expect(encoded.length).toBe(3 + 1 + 4 + 5 + payload.length);
    expect(bytesToHex(encoded.subarray(0, 14))).toBe('d9d9f7a1636172675a0020000001');
    expect(encoded[encoded.length - 1]).toBe(2);
  });

  it('encodeCbor encodes byte strings from any Uint8Array view', () => {
    const view = hexToBytes('00010203').subarray(1, 3);
    expect(encodeHex(view)).toBe('420102');
  });
});

describe('encodeCbor rejections', () => {
  it.each([1.5, NaN, Infinity, -Infinity, 2 ** 53])(
    'encodeCbor fails on the number %s',
    (value) => {
      expectCode(value, CborErrorCode.UNENCODABLE_VALUE);
    },
  );

  it('encodeCbor fails on bigints outside [-2^64, 2^64 - 1]', () => {
    expectCode(2n ** 64n, CborErrorCode.INTEGER_OUT_OF_RANGE);
    expectCode(-(2n ** 64n) - 1n, CborErrorCode.INTEGER_OUT_OF_RANGE);
  });

  it('encodeCbor names the path of the offending value', () => {
    const error = expectCode({ content: { list: [1, 0.5] } }, CborErrorCode.UNENCODABLE_VALUE);
    expect(error.message).toContain('$.content.list[1]');
    expect(error.details.path).toEqual(['content', 'list', 1]);
  });

  it.each([
    ['a Map', new Map()],
    ['a Date', new Date(0)],
    ['an ArrayBuffer', new ArrayBuffer(1)],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('encodeCbor fails on %s', (_name, value) => {
    expectCode(value, CborErrorCode.UNENCODABLE_VALUE);
  });

  it('encodeCbor fails on a string with a lone surrogate', () => {
    expectCode('\ud800', CborErrorCode.INVALID_UTF8);
  });

  it('encodeCbor fails on a tag number that is not a non-negative safe integer', () => {
    expectCode(new CborTag(-1, 0), CborErrorCode.UNSUPPORTED_TAG);
    expectCode(new CborTag(1.5, 0), CborErrorCode.UNSUPPORTED_TAG);
  });

  it('encodeCbor fails on cyclic values', () => {
    const cyclic: CborValue[] = [];
    cyclic.push(cyclic);
    expectCode(cyclic, CborErrorCode.MAX_DEPTH);
  });
});
