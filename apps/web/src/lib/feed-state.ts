/**
 * The state of one feed (a list of notes loaded page by page) and how it changes: a pure
 * reducer, so pagination and local edits are unit-tested without React.
 */
import type { NotePage } from './notes-api';
import type { Note } from './note';
import type { NotesError } from './notes-error';

/** A feed: the notes loaded so far, newest first, and where the next page starts. */
export interface FeedState {
  /** `idle` until the first load starts; `error` when the first page failed. */
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly notes: readonly Note[];
  /** Undefined when the last page has been loaded. */
  readonly nextCursor: bigint | undefined;
  /** Why the first page failed (status `error`). */
  readonly error: NotesError | undefined;
  /** The state of "Load more", apart from the first page so a failure keeps what was loaded. */
  readonly more: 'idle' | 'loading' | 'error';
  readonly moreError: NotesError | undefined;
}

/** What happens to a feed. */
export type FeedAction =
  | { readonly type: 'load-started' }
  | { readonly type: 'load-succeeded'; readonly page: NotePage }
  | { readonly type: 'load-failed'; readonly error: NotesError }
  | { readonly type: 'more-started' }
  | { readonly type: 'more-succeeded'; readonly page: NotePage }
  | { readonly type: 'more-failed'; readonly error: NotesError }
  /** A note was created or changed here: show its new state. */
  | { readonly type: 'note-saved'; readonly note: Note }
  /** A note was deleted, or no longer belongs in this feed. */
  | { readonly type: 'note-removed'; readonly id: bigint };

/** A feed before anything was loaded. */
export const INITIAL_FEED: FeedState = {
  status: 'idle',
  notes: [],
  nextCursor: undefined,
  error: undefined,
  more: 'idle',
  moreError: undefined,
};

/** The next state of `state` after `action`. */
export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case 'load-started':
      return { ...state, status: 'loading', error: undefined, more: 'idle', moreError: undefined };
    case 'load-succeeded':
      return {
        ...INITIAL_FEED,
        status: 'ready',
        notes: action.page.notes,
        nextCursor: action.page.nextCursor,
      };
    case 'load-failed':
      return { ...state, status: 'error', error: action.error };
    case 'more-started':
      return { ...state, more: 'loading', moreError: undefined };
    case 'more-succeeded':
      return {
        ...state,
        notes: appendPage(state.notes, action.page.notes),
        nextCursor: action.page.nextCursor,
        more: 'idle',
      };
    case 'more-failed':
      return { ...state, more: 'error', moreError: action.error };
    case 'note-saved':
      // Before the first page arrives there is nothing to patch: the load brings the note.
      return state.status === 'ready'
        ? { ...state, notes: placeNote(state.notes, action.note, state.nextCursor !== undefined) }
        : state;
    case 'note-removed':
      return { ...state, notes: state.notes.filter((note) => note.id !== action.id) };
  }
}

/**
 * `loaded` followed by `page`, without a note twice: a note that moved between requests (it
 * was edited, or the pages shifted) is kept once, with its newer version, where it was.
 */
export function appendPage(loaded: readonly Note[], page: readonly Note[]): readonly Note[] {
  const incoming = new Map(page.map((note) => [note.id, note]));
  const merged = loaded.map((note) => newer(note, incoming.get(note.id)));
  const seen = new Set(loaded.map((note) => note.id));
  return [...merged, ...page.filter((note) => !seen.has(note.id))];
}

/**
 * `notes` with `note` in place: replaced where it is, else inserted in newest-first (id)
 * order. With more pages to come, a note older than the oldest loaded one is left for them.
 */
export function placeNote(notes: readonly Note[], note: Note, morePages: boolean): readonly Note[] {
  if (notes.some((existing) => existing.id === note.id)) {
    return notes.map((existing) => (existing.id === note.id ? newer(existing, note) : existing));
  }
  const index = notes.findIndex((existing) => existing.id < note.id);
  if (index === -1) {
    return morePages ? notes : [...notes, note];
  }
  return [...notes.slice(0, index), note, ...notes.slice(index)];
}

function newer(current: Note, candidate: Note | undefined): Note {
  return candidate !== undefined && candidate.version >= current.version ? candidate : current;
}
