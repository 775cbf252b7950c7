import { HttpFetchErrorCode, TransportError } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it, vi } from 'vitest';
import type { BackendService, WireNote } from './backend-types';
import { createNotesApi } from './notes-api';

const OWNER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');

function makeWireNote(overrides: Partial<WireNote> = {}): WireNote {
  return {
    id: 1n,
    owner: OWNER,
    title: 'Title',
    body: 'Body',
    visibility: { public: null },
    version: 1n,
    created_at: 1_741_097_100_000_000_000n,
    updated_at: 1_741_097_100_000_000_000n,
    ...overrides,
  };
}

/** A backend whose every method fails the test unless a test gives it an answer. */
function makeBackend(overrides: Partial<BackendService> = {}): BackendService {
  const unexpected = () => Promise.reject(new Error('not expected in this test'));
  return {
    create_note: unexpected,
    update_note: unexpected,
    delete_note: unexpected,
    get_note: unexpected,
    list_public: unexpected,
    list_mine: unexpected,
    limits: unexpected,
    whoami: unexpected,
    ...overrides,
  };
}

describe('createNotesApi', () => {
  it('lists the first page without a cursor and maps notes to the app shape', async () => {
    const list_public = vi.fn<BackendService['list_public']>(async () => ({
      notes: [makeWireNote({ id: 9n, visibility: { public: null } })],
      next_cursor: [9n],
    }));
    const api = createNotesApi(makeBackend({ list_public }));
    const result = await api.listNotes('public');
    expect(list_public).toHaveBeenCalledWith({ cursor: [], limit: [] });
    expect(result).toMatchObject({ ok: true, value: { nextCursor: 9n } });
    expect(result.ok && result.value.notes[0]).toMatchObject({
      id: 9n,
      owner: OWNER.toText(),
      visibility: 'public',
      createdAt: new Date('2025-03-04T14:05:00.000Z'),
    });
  });

  it('asks for the caller’s notes after a cursor, and reports the last page', async () => {
    const list_mine = vi.fn<BackendService['list_mine']>(async () => ({
      notes: [],
      next_cursor: [],
    }));
    const api = createNotesApi(makeBackend({ list_mine }));
    const result = await api.listNotes('mine', 9n);
    expect(list_mine).toHaveBeenCalledWith({ cursor: [9n], limit: [] });
    expect(result).toEqual({ ok: true, value: { notes: [], nextCursor: undefined } });
  });

  it('sends a draft as the canister’s input and returns the created note', async () => {
    const create_note = vi.fn<BackendService['create_note']>(async (input) => ({
      ok: makeWireNote({ title: input.title, visibility: input.visibility }),
    }));
    const api = createNotesApi(makeBackend({ create_note }));
    const result = await api.createNote({ title: 'Secret', body: 'b', visibility: 'private' });
    expect(create_note).toHaveBeenCalledWith({
      title: 'Secret',
      body: 'b',
      visibility: { private: null },
    });
    expect(result.ok && result.value).toMatchObject({ title: 'Secret', visibility: 'private' });
  });

  it('sends the expected version and turns a conflict into a typed error', async () => {
    const update_note = vi.fn<BackendService['update_note']>(async () => ({
      err: { version_conflict: { current: makeWireNote({ version: 4n, title: 'Theirs' }) } },
    }));
    const api = createNotesApi(makeBackend({ update_note }));
    const result = await api.updateNote(1n, 3n, { title: 'Mine', body: '', visibility: 'public' });
    expect(update_note).toHaveBeenCalledWith(1n, 3n, {
      title: 'Mine',
      body: '',
      visibility: { public: null },
    });
    expect(result.ok).toBe(false);
    if (!result.ok && result.error.kind === 'version_conflict') {
      expect(result.error.current).toMatchObject({ version: 4n, title: 'Theirs' });
    } else {
      expect.fail('expected a version conflict');
    }
  });

  it('deletes with the expected version, and maps a refusal', async () => {
    const delete_note = vi
      .fn<BackendService['delete_note']>()
      .mockResolvedValueOnce({ ok: null })
      .mockResolvedValueOnce({ err: { not_owner: { id: 2n } } });
    const api = createNotesApi(makeBackend({ delete_note }));
    expect(await api.deleteNote(2n, 1n)).toEqual({ ok: true, value: undefined });
    expect(await api.deleteNote(2n, 1n)).toEqual({
      ok: false,
      error: { kind: 'not_owner', id: 2n },
    });
    expect(delete_note).toHaveBeenCalledWith(2n, 1n);
  });

  it('reads a note, and says when it is not there', async () => {
    const get_note = vi.fn<BackendService['get_note']>(async (id) =>
      id === 1n ? { ok: makeWireNote() } : { err: { not_found: { id } } },
    );
    const api = createNotesApi(makeBackend({ get_note }));
    expect((await api.getNote(1n)).ok).toBe(true);
    expect(await api.getNote(2n)).toEqual({ ok: false, error: { kind: 'not_found', id: 2n } });
  });

  it('maps the limits to numbers', async () => {
    const api = createNotesApi(
      makeBackend({
        limits: async () => ({
          title_chars: 120,
          body_chars: 4000,
          notes_per_owner: 100,
          page_max: 50,
          page_default: 20,
        }),
      }),
    );
    expect(await api.limits()).toEqual({
      ok: true,
      value: { titleChars: 120, bodyChars: 4000, notesPerOwner: 100 },
    });
  });

  it('returns a thrown agent error as a result instead of throwing', async () => {
    const api = createNotesApi(
      makeBackend({
        list_public: () =>
          Promise.reject(TransportError.fromCode(new HttpFetchErrorCode(new Error('offline')))),
      }),
    );
    const result = await api.listNotes('public');
    expect(result.ok === false && result.error.kind).toBe('unreachable');
  });
});
