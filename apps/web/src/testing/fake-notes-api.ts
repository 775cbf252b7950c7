/** A {@link NotesApi} for component tests: every method a `vi.fn`, answering success by default. */
import { vi, type Mock } from 'vitest';
import type { NotesApi, NotesResult } from '../lib/notes-api';
import type { NotesError } from '../lib/notes-error';
import { makeLimits, makeNote } from './make-note';

/** A {@link NotesApi} whose methods are mocks. */
export type FakeNotesApi = { [Method in keyof NotesApi]: Mock<NotesApi[Method]> };

/**
 * A fake API: empty feeds, default limits, and writes that succeed with the note they were
 * given; `overrides` replaces any method.
 */
export function createFakeNotesApi(overrides: Partial<NotesApi> = {}): FakeNotesApi {
  return {
    listNotes: vi.fn(overrides.listNotes ?? (async () => ok({ notes: [], nextCursor: undefined }))),
    getNote: vi.fn(overrides.getNote ?? (async (id) => ok(makeNote({ id })))),
    createNote: vi.fn(
      overrides.createNote ?? (async (draft) => ok(makeNote({ id: 100n, ...draft }))),
    ),
    updateNote: vi.fn(
      overrides.updateNote ??
        (async (id, expectedVersion, draft) =>
          ok(makeNote({ id, version: expectedVersion + 1n, ...draft }))),
    ),
    deleteNote: vi.fn(overrides.deleteNote ?? (async () => ok(undefined))),
    limits: vi.fn(overrides.limits ?? (async () => ok(makeLimits()))),
  };
}

/** A successful result. */
export function ok<T>(value: T): NotesResult<T> {
  return { ok: true, value };
}

/** A failed result. */
export function err<T>(error: NotesError): NotesResult<T> {
  return { ok: false, error };
}
