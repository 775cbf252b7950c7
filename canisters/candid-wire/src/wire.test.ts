import { idlLabelToId, lebEncode } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { CandidFormatError, CandidReader, CandidWriter, inLabelOrder, labelId } from './wire.js';

describe('Candid wire helpers', () => {
  it('labelId agrees with @dfinity/candid on field ids, ASCII and not', () => {
    for (const label of ['id', 'owner', 'created_at', 'next_cursor', 'ok', 'err', 'é', '日本']) {
      expect(labelId(label), label).toBe(idlLabelToId(label));
    }
  });

  it('inLabelOrder sorts labels by field id, not by name', () => {
    const order = inLabelOrder(['ok', 'err']);
    expect(order.map(labelId)).toEqual([...order.map(labelId)].sort((a, b) => a - b));
    expect(new Set(order)).toEqual(new Set(['ok', 'err']));
  });

  it('writes LEB128 as @dfinity/candid does, and reads it back', () => {
    for (const value of [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 32, 2 ** 53 - 1]) {
      const bytes = new CandidWriter().leb(value).finish();
      expect(bytes, String(value)).toEqual(new Uint8Array(lebEncode(value)));
      expect(new CandidReader(bytes).leb()).toBe(value);
    }
  });

  it('writes nat64 little-endian and reads back the full 64-bit range', () => {
    for (const value of [0n, 1n, 256n, 2n ** 63n, 2n ** 64n - 1n]) {
      const bytes = new CandidWriter().nat64(value).finish();
      expect(bytes.length).toBe(8);
      expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(value);
      expect(new CandidReader(bytes).nat64()).toBe(value);
    }
  });

  it('joins bytes, sized values and single bytes in the order written', () => {
    const bytes = new CandidWriter()
      .byte(7)
      .raw(Uint8Array.of(1, 2))
      .sized(Uint8Array.of(9))
      .byte(8)
      .finish();
    expect(bytes).toEqual(Uint8Array.of(7, 1, 2, 1, 9, 8));
    const reader = new CandidReader(bytes);
    expect([reader.byte(), ...reader.raw(2), ...reader.sized(), reader.byte()]).toEqual([
      7, 1, 2, 9, 8,
    ]);
    expect(reader.done).toBe(true);
  });

  it('reading fails with CandidFormatError past the end or on an oversized LEB128', () => {
    expect(() => new CandidReader(Uint8Array.of(5, 1)).sized()).toThrow(CandidFormatError);
    expect(() => new CandidReader(Uint8Array.of(0x80)).leb()).toThrow(CandidFormatError);
    expect(() => new CandidReader(new Uint8Array(10).fill(0xff)).leb()).toThrow(
      /does not fit 53 bits/,
    );
  });
});
