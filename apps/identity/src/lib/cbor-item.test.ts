import { describe, expect, it } from 'vitest';
import { cborItemEnd } from './cbor-item';

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

describe('cborItemEnd', () => {
  it('measures integers, strings, arrays, maps, tags and floats (RFC 8949 appendix A)', () => {
    const examples: [string, number][] = [
      ['00', 1],
      ['1903e8', 3],
      ['1bffffffffffffffff', 9],
      ['3863', 2],
      ['4401020304', 5],
      ['6449455446', 5],
      ['83010203', 4],
      ['a201020304', 5],
      ['c074323031332d30332d32315432303a30343a30305a', 22],
      ['fb3ff199999999999a', 9],
      ['f5', 1],
    ];
    for (const [item, length] of examples) {
      expect(cborItemEnd(hex(item), 0)).toBe(length);
    }
  });

  it('measures indefinite-length strings, arrays and maps up to their break', () => {
    expect(cborItemEnd(hex('5f42010243030405ff'), 0)).toBe(9);
    expect(cborItemEnd(hex('9f018202039f0405ffff'), 0)).toBe(10);
    expect(cborItemEnd(hex('bf6346756ef563416d7421ff'), 0)).toBe(12);
  });

  it('stops at the end of the first item when others follow, from any offset', () => {
    // A COSE-like map {1: 2, 3: -7} followed by an extensions map {"a": 1}.
    const bytes = hex('ffa201020326a1616101');
    expect(cborItemEnd(bytes, 1)).toBe(6);
    expect(cborItemEnd(bytes, 6)).toBe(10);
  });

  it('returns undefined for truncated or malformed items', () => {
    for (const item of ['', '19ff', '44010203', '830102', 'a20102', '1c', '5f01ff', '1f']) {
      expect(cborItemEnd(hex(item), 0)).toBeUndefined();
    }
    const deep = new Uint8Array(100).fill(0x81);
    expect(cborItemEnd(deep, 0)).toBeUndefined();
  });
});
