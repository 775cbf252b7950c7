import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { storedNote, encodeNoteRecord } from '../notes/records.js';
import type { NoteError, NoteResult, StoredNote } from '../notes/types.js';
import { BOB, makeNote, toCandidNote } from '../../testing/notes.js';
import { T } from './interface.js';
import { readNote, readNoteMeta, writeNote } from './note-value.js';
import { createReplyEncoder } from './replies.js';
import { CandidReader, CandidWriter } from '@citadel/candid-wire';

const encoder = createReplyEncoder();

const stored = (...overrides: Parameters<typeof makeNote>) => {
  const note = makeNote(...overrides);
  return storedNote(note.id, encodeNoteRecord(note));
};

/** Notes whose text exercises UTF-8 widths, escapes and emptiness. */
const NOTES = [
  makeNote(),
  makeNote({ id: 2n ** 64n - 1n, version: 7n, visibility: 'private', owner: BOB }),
  makeNote({ title: 'é 日本語 🙂', body: '' }),
  makeNote({ title: 'quotes " and \\ backslash', body: 'tab\tline\n'.repeat(500) }),
  makeNote({ title: 'x'.repeat(120), body: '🙂'.repeat(10_000) }),
];

const ERRORS: NoteError[] = [
  { code: 'anonymous' },
  { code: 'not_found', id: 12n },
  { code: 'not_owner', id: 2n ** 63n },
  { code: 'version_conflict', current: stored({ version: 3n }) },
  { code: 'invalid', field: 'title', message: 'title must be 1 to 120 characters long; it has 0' },
  { code: 'quota_exceeded', limit: 500n },
];

function toCandidError(error: NoteError): unknown {
  switch (error.code) {
    case 'anonymous':
      return { anonymous: null };
    case 'not_found':
    case 'not_owner':
      return { [error.code]: { id: error.id } };
    case 'version_conflict':
      return { version_conflict: { current: toCandidNote(error.current.note) } };
    case 'invalid':
      return { invalid: { field: error.field, message: error.message } };
    case 'quota_exceeded':
      return { quota_exceeded: { limit: error.limit } };
  }
}

const encode = (type: IDL.Type, value: unknown) => new Uint8Array(IDL.encode([type], [value]));

describe('note values', () => {
  it('are the bytes @dfinity/candid writes for a Note, after its type table', () => {
    for (const note of NOTES) {
      const value = writeNote(new CandidWriter(), note).finish();
      const full = encode(T.Note, toCandidNote(note));
      expect(full.subarray(full.length - value.length)).toEqual(value);
    }
  });

  it('read back as the note, or as its metadata without the text', () => {
    for (const note of NOTES) {
      const value = writeNote(new CandidWriter(), note).finish();
      expect(readNote(new CandidReader(value))).toEqual(note);
      const meta = readNoteMeta(new CandidReader(value));
      expect(meta).toEqual({ ...note, title: undefined, body: undefined });
      expect(Object.keys(meta)).not.toContain('body');
    }
  });
});

describe('the reply encoder', () => {
  it('encodes NoteResult exactly as @dfinity/candid does, for ok and every error', () => {
    for (const note of NOTES) {
      const result: NoteResult<StoredNote> = {
        ok: true,
        value: storedNote(note.id, encodeNoteRecord(note)),
      };
      expect(encoder.noteResult(result)).toEqual(encode(T.NoteResult, { ok: toCandidNote(note) }));
    }
    for (const error of ERRORS) {
      expect(encoder.noteResult({ ok: false, error }), error.code).toEqual(
        encode(T.NoteResult, { err: toCandidError(error) }),
      );
    }
  });

  it('encodes DeleteResult exactly as @dfinity/candid does', () => {
    expect(encoder.deleteResult({ ok: true, value: null })).toEqual(
      encode(T.DeleteResult, { ok: null }),
    );
    for (const error of ERRORS) {
      expect(encoder.deleteResult({ ok: false, error }), error.code).toEqual(
        encode(T.DeleteResult, { err: toCandidError(error) }),
      );
    }
  });

  it('encodes NotePage exactly as @dfinity/candid does, with and without a cursor', () => {
    const notes = NOTES.map((note) => storedNote(note.id, encodeNoteRecord(note)));
    for (const page of [
      { notes: [] },
      { notes, nextCursor: 3n },
      { notes: notes.slice(0, 1), nextCursor: 2n ** 64n - 1n },
      { notes: notes.slice(2) },
    ]) {
      expect(encoder.notePage(page)).toEqual(
        encode(T.NotePage, {
          notes: page.notes.map((note) => toCandidNote(note.note)),
          next_cursor: page.nextCursor === undefined ? [] : [page.nextCursor],
        }),
      );
    }
  });

  it('replies decode with @dfinity/candid to the notes stored', () => {
    const note = makeNote({ title: 'round trip 🙂', body: 'a\n\tb' });
    const [decoded] = IDL.decode(
      [T.NoteResult],
      encoder.noteResult({ ok: true, value: storedNote(note.id, encodeNoteRecord(note)) }),
    );
    expect(decoded).toEqual({ ok: toCandidNote(note) });
  });
});
