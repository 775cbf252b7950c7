import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { lebEncode, slebEncode } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';

import { CitadelError } from './errors.js';
import {
  decodeLeb128,
  decodeSleb128,
  encodeLeb128,
  encodeSleb128,
  LEB128_MAX_BYTES,
  Leb128ErrorCode,
} from './leb128.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    return (error as CitadelError).code;
  }
  return undefined;
}

describe('encodeLeb128', () => {
  it('encodeLeb128 matches the spec examples 0 → 00 and 624485 → e58e26', () => {
    expect(bytesToHex(encodeLeb128(0))).toBe('00');
    expect(bytesToHex(encodeLeb128(624485))).toBe('e58e26');
    expect(bytesToHex(encodeLeb128(624485n))).toBe('e58e26');
  });

  it('encodeLeb128 agrees with @dfinity/candid lebEncode', () => {
    for (const n of [
      0n,
      1n,
      127n,
      128n,
      255n,
      16383n,
      16384n,
      2n ** 53n,
      2n ** 64n - 1n,
      2n ** 128n,
    ]) {
      expect(bytesToHex(encodeLeb128(n))).toBe(bytesToHex(lebEncode(n)));
    }
  });

  it('encodeLeb128 fails on negative or fractional numbers', () => {
    expect(codeOf(() => encodeLeb128(-1))).toBe(Leb128ErrorCode.INVALID_INPUT);
    expect(codeOf(() => encodeLeb128(-1n))).toBe(Leb128ErrorCode.INVALID_INPUT);
    expect(codeOf(() => encodeLeb128(0.5))).toBe(Leb128ErrorCode.INVALID_INPUT);
  });
});

describe('encodeSleb128', () => {
  it('encodeSleb128 agrees with @dfinity/candid slebEncode', () => {
    for (const n of [
      0n,
      1n,
      -1n,
      63n,
      64n,
      -64n,
      -65n,
      127n,
      -128n,
      2n ** 63n,
      -(2n ** 63n),
      -123456789n,
    ]) {
      expect(bytesToHex(encodeSleb128(n))).toBe(bytesToHex(slebEncode(n)));
    }
    expect(bytesToHex(encodeSleb128(-123456))).toBe('c0bb78');
  });
});

describe('decodeLeb128', () => {
  it('decodeLeb128 inverts encodeLeb128', () => {
    for (const n of [0n, 1n, 127n, 128n, 624485n, 1685570400000000000n, 2n ** 128n - 1n]) {
      expect(decodeLeb128(encodeLeb128(n))).toBe(n);
    }
  });

  it('decodeLeb128 accepts a non-minimal encoding', () => {
    expect(decodeLeb128(hexToBytes('8000'))).toBe(0n);
  });

  it('decodeLeb128 fails on empty or truncated input', () => {
    expect(codeOf(() => decodeLeb128(new Uint8Array()))).toBe(Leb128ErrorCode.TRUNCATED);
    expect(codeOf(() => decodeLeb128(hexToBytes('e58e')))).toBe(Leb128ErrorCode.TRUNCATED);
  });

  it('decodeLeb128 fails when bytes follow the number', () => {
    expect(codeOf(() => decodeLeb128(hexToBytes('0101')))).toBe(Leb128ErrorCode.TRAILING_BYTES);
  });

  it('decodeLeb128 fails on inputs longer than LEB128_MAX_BYTES', () => {
    const long = new Uint8Array(LEB128_MAX_BYTES + 1).fill(0x80);
    long[long.length - 1] = 0;
    expect(codeOf(() => decodeLeb128(long))).toBe(Leb128ErrorCode.TOO_LONG);
  });
});

describe('decodeSleb128', () => {
  it('decodeSleb128 inverts encodeSleb128', () => {
    for (const n of [0n, 1n, -1n, 63n, 64n, -64n, -65n, -123456n, 2n ** 63n, -(2n ** 63n)]) {
      expect(decodeSleb128(encodeSleb128(n))).toBe(n);
    }
  });
});
