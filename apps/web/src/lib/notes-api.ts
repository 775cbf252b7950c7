/**
 * The notes backend as the UI sees it: typed results instead of Candid variants, and agent
 * failures caught and classified, so no component needs a try/catch. Components receive a
 * {@link NotesApi} through React context (`notes-api-context.tsx`); tests give them a fake.
 */
import type { BackendService, WireNoteError, WirePageRequest } from './backend-types';
import {
  fromWireLimits,
  fromWireNote,
  toWireNoteInput,
  type Feed,
  type Note,
  type NoteDraft,
  type NoteLimits,
} from './note';
import { fromThrown, fromWireNoteError, type NotesError } from './notes-error';

/** The outcome of a call: a value, or a classified error. */
export type NotesResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: NotesError };

/** One page of a feed; `nextCursor` is undefined on the last page. */
export interface NotePage {
  readonly notes: readonly Note[];
  readonly nextCursor: bigint | undefined;
}

/** The backend's operations on notes. */
export interface NotesApi {
  /** A page of `feed`, newest first, starting after `cursor` (the first page without one). */
  listNotes(feed: Feed, cursor?: bigint): Promise<NotesResult<NotePage>>;
  getNote(id: bigint): Promise<NotesResult<Note>>;
  createNote(draft: NoteDraft): Promise<NotesResult<Note>>;
  /** Fails with `version_conflict` (carrying the current note) when `expectedVersion` is stale. */
  updateNote(id: bigint, expectedVersion: bigint, draft: NoteDraft): Promise<NotesResult<Note>>;
  /** Fails with `version_conflict` (carrying the current note) when `expectedVersion` is stale. */
  deleteNote(id: bigint, expectedVersion: bigint): Promise<NotesResult<void>>;
  limits(): Promise<NotesResult<NoteLimits>>;
}

/** A {@link NotesApi} over the backend canister's actor (or anything shaped like it). */
export function createNotesApi(backend: BackendService): NotesApi {
  return {
    listNotes: (feed, cursor) =>
      attempt(async () => {
        const request: WirePageRequest = {
          cursor: cursor === undefined ? [] : [cursor],
          limit: [],
        };
        const page = await (feed === 'public'
          ? backend.list_public(request)
          : backend.list_mine(request));
        return ok({ notes: page.notes.map(fromWireNote), nextCursor: page.next_cursor[0] });
      }),
    getNote: (id) =>
      attempt(async () => {
        const result = await backend.get_note(id);
        return 'ok' in result ? ok(fromWireNote(result.ok)) : fail(result.err);
      }),
    createNote: (draft) =>
      attempt(async () => {
        const result = await backend.create_note(toWireNoteInput(draft));
        return 'ok' in result ? ok(fromWireNote(result.ok)) : fail(result.err);
      }),
    updateNote: (id, expectedVersion, draft) =>
      attempt(async () => {
        const result = await backend.update_note(id, expectedVersion, toWireNoteInput(draft));
        return 'ok' in result ? ok(fromWireNote(result.ok)) : fail(result.err);
      }),
    deleteNote: (id, expectedVersion) =>
      attempt(async () => {
        const result = await backend.delete_note(id, expectedVersion);
        return 'ok' in result ? ok(undefined) : fail(result.err);
      }),
    limits: () => attempt(async () => ok(fromWireLimits(await backend.limits()))),
  };
}

function ok<T>(value: T): NotesResult<T> {
  return { ok: true, value };
}

function fail<T>(wire: WireNoteError): NotesResult<T> {
  return { ok: false, error: fromWireNoteError(wire) };
}

async function attempt<T>(call: () => Promise<NotesResult<T>>): Promise<NotesResult<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, error: fromThrown(error) };
  }
}
