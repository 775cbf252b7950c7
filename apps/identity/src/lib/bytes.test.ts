import { describe, expect, it } from 'vitest';
import { equalBytes, toBytes } from './bytes';

describe('toBytes', () => {
  it('reads an ArrayBuffer, and a view at its own offset', () => {
    expect(toBytes(Uint8Array.of(1, 2).buffer)).toEqual(Uint8Array.of(1, 2));
    const view = new DataView(Uint8Array.of(1, 2, 3, 4).buffer, 1, 2);
    expect(toBytes(view)).toEqual(Uint8Array.of(2, 3));
  });

  it('returns undefined for anything else', () => {
    for (const value of [undefined, null, 'AQI', [1, 2], { byteLength: 2 }]) {
      expect(toBytes(value)).toBeUndefined();
    }
  });
});

describe('equalBytes', () => {
  it('compares length and content', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
  });
});
