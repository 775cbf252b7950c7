import { Principal } from '@dfinity/principal';
import type { CandidNote } from '../src/candid/interface.js';
import type { Note, NoteInput } from '../src/notes/types.js';

/** Test fixtures: notes and inputs with defaults, and principals as bytes. */

/** Principal bytes of test callers (self-authenticating ids are 29 bytes; any length works). */
export const ALICE = Uint8Array.from({ length: 29 }, (_, i) => i + 1);
export const BOB = Uint8Array.from({ length: 29 }, (_, i) => 200 - i);
/** The anonymous principal: the single byte 0x04. */
export const ANONYMOUS = Uint8Array.of(4);

/** A time in nanoseconds, for stamps. */
export const NOW_NS = 1_700_000_000_000_000_000n;

export function makeInput(overrides: Partial<NoteInput> = {}): NoteInput {
  return { title: 'Groceries', body: 'milk\neggs', visibility: 'public', ...overrides };
}

export function makeNote(overrides: Partial<Note> = {}): Note {
  return {
    id: 1n,
    owner: ALICE,
    title: 'Groceries',
    body: 'milk\neggs',
    visibility: 'public',
    version: 1n,
    createdAtNs: NOW_NS,
    updatedAtNs: NOW_NS,
    ...overrides,
  };
}

/** `note` as @dfinity/candid encodes and decodes a `Note`. */
export function toCandidNote(note: Note): CandidNote {
  return {
    id: note.id,
    owner: Principal.fromUint8Array(note.owner),
    title: note.title,
    body: note.body,
    visibility: note.visibility === 'public' ? { public: null } : { private: null },
    version: note.version,
    created_at: note.createdAtNs,
    updated_at: note.updatedAtNs,
  };
}
