import { describe, expect, it } from 'vitest';

import { bytesEqual, bytesToHex, compareBytes } from './byte-order.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('compareBytes', () => {
  it('compareBytes orders by the first differing byte', () => {
    expect(compareBytes(bytes(1, 9), bytes(2, 0))).toBe(-1);
    expect(compareBytes(bytes(2, 0), bytes(1, 9))).toBe(1);
  });

  it('compareBytes puts a proper prefix first', () => {
    expect(compareBytes(bytes(1), bytes(1, 0))).toBe(-1);
    expect(compareBytes(bytes(1, 0), bytes(1))).toBe(1);
    expect(compareBytes(bytes(), bytes(0))).toBe(-1);
  });

  it('compareBytes returns 0 for equal contents', () => {
    expect(compareBytes(bytes(3, 4), bytes(3, 4))).toBe(0);
  });
});

describe('bytesEqual', () => {
  it('bytesEqual compares length and contents', () => {
    expect(bytesEqual(bytes(1, 2), bytes(1, 2))).toBe(true);
    expect(bytesEqual(bytes(1, 2), bytes(1, 3))).toBe(false);
    expect(bytesEqual(bytes(1), bytes(1, 0))).toBe(false);
  });

  it('bytesToHex encodes only the bytes of a view, not the rest of its buffer', () => {
    const buffer = Uint8Array.of(0xff, 0x00, 0x0a, 0xb0, 0xff);
    expect(bytesToHex(buffer.subarray(1, 4))).toBe('000ab0');
    expect(bytesToHex(new Uint8Array(0))).toBe('');
  });
});
