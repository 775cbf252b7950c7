import { describe, expect, it } from 'vitest';
import { ALICE, BOB, makeNote } from '../../testing/notes.js';
import {
  NoteRecordError,
  decodeSummary,
  encodeNoteRecord,
  encodeSummary,
  idToKey,
  keyToId,
  storedNote,
} from './records.js';

/** Byte order, as a StableBTreeMap sorts keys. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return (a[i] as number) - (b[i] as number);
    }
  }
  return a.length - b.length;
}

describe('stored layouts', () => {
  it('id keys sort in stable memory as the ids do, and read back', () => {
    const values = [0n, 1n, 255n, 256n, 65_535n, 2n ** 32n, 2n ** 64n - 1n];
    const keys = values.map(idToKey);
    expect([...keys].sort(compareBytes)).toEqual(keys);
    expect(keys.map(keyToId)).toEqual(values);
    expect(() => keyToId(new Uint8Array(4))).toThrow(NoteRecordError);
  });

  it('a note record starts with its format byte and reads back lazily', () => {
    const note = makeNote({ id: 9n, title: 'é🙂', body: 'b\n', visibility: 'private' });
    const record = encodeNoteRecord(note);
    expect(record[0]).toBe(1);
    const stored = storedNote(9n, record);
    expect(stored.bytes).toEqual(record.subarray(1));
    expect(stored.meta).toMatchObject({ id: 9n, version: 1n, visibility: 'private' });
    expect(stored.note).toEqual(note);
  });

  it('a record in an unknown format, or with bytes after the note, is refused', () => {
    const record = encodeNoteRecord(makeNote());
    expect(() => storedNote(1n, Uint8Array.of(2, ...record.subarray(1)))).toThrow(
      /unknown record format 2/,
    );
    expect(() => storedNote(1n, Uint8Array.of(...record, 0)).note).toThrow(NoteRecordError);
  });

  it('a summary keeps the owner and the visibility', () => {
    for (const summary of [
      { owner: ALICE, visibility: 'public' as const },
      { owner: BOB, visibility: 'private' as const },
      { owner: Uint8Array.of(4), visibility: 'public' as const },
    ]) {
      expect(decodeSummary(encodeSummary(summary))).toEqual(summary);
    }
  });
});
