import { describe, expect, it } from 'vitest';
import { makeNote } from '../testing/make-note';
import { appendPage, feedReducer, INITIAL_FEED, placeNote, type FeedState } from './feed-state';
import type { Note } from './note';

function ids(notes: readonly Note[]): bigint[] {
  return notes.map((note) => note.id);
}

function ready(notes: Note[], nextCursor?: bigint): FeedState {
  return feedReducer(INITIAL_FEED, { type: 'load-succeeded', page: { notes, nextCursor } });
}

describe('appendPage', () => {
  it('appends the next page after what was loaded', () => {
    const merged = appendPage([makeNote({ id: 9n }), makeNote({ id: 8n })], [makeNote({ id: 7n })]);
    expect(ids(merged)).toEqual([9n, 8n, 7n]);
  });

  it('keeps a note that appears on both pages once, in its place, with the newer version', () => {
    const merged = appendPage(
      [makeNote({ id: 9n }), makeNote({ id: 8n, title: 'old', version: 1n })],
      [makeNote({ id: 8n, title: 'new', version: 2n }), makeNote({ id: 7n })],
    );
    expect(ids(merged)).toEqual([9n, 8n, 7n]);
    expect(merged[1]?.title).toBe('new');
  });

  it('does not go back to an older version a later page still has', () => {
    const merged = appendPage(
      [makeNote({ id: 8n, title: 'edited here', version: 2n })],
      [makeNote({ id: 8n, title: 'stale', version: 1n })],
    );
    expect(merged[0]?.title).toBe('edited here');
  });
});

describe('placeNote', () => {
  const notes = [makeNote({ id: 9n }), makeNote({ id: 5n })];

  it('replaces a note that is there', () => {
    const placed = placeNote(notes, makeNote({ id: 5n, title: 'changed', version: 2n }), false);
    expect(ids(placed)).toEqual([9n, 5n]);
    expect(placed[1]?.title).toBe('changed');
  });

  it('puts a new note first, and an older one in id order', () => {
    expect(ids(placeNote(notes, makeNote({ id: 12n }), false))).toEqual([12n, 9n, 5n]);
    expect(ids(placeNote(notes, makeNote({ id: 7n }), false))).toEqual([9n, 7n, 5n]);
  });

  it('leaves a note older than all loaded ones to the pages still to come', () => {
    expect(ids(placeNote(notes, makeNote({ id: 2n }), true))).toEqual([9n, 5n]);
    expect(ids(placeNote(notes, makeNote({ id: 2n }), false))).toEqual([9n, 5n, 2n]);
  });
});

describe('feedReducer', () => {
  it('loads the first page, then more pages with their cursors', () => {
    let state = feedReducer(INITIAL_FEED, { type: 'load-started' });
    expect(state.status).toBe('loading');
    state = feedReducer(state, {
      type: 'load-succeeded',
      page: { notes: [makeNote({ id: 3n })], nextCursor: 3n },
    });
    expect(state).toMatchObject({ status: 'ready', nextCursor: 3n });
    state = feedReducer(state, { type: 'more-started' });
    expect(state.more).toBe('loading');
    state = feedReducer(state, {
      type: 'more-succeeded',
      page: { notes: [makeNote({ id: 2n })], nextCursor: undefined },
    });
    expect(ids(state.notes)).toEqual([3n, 2n]);
    expect(state).toMatchObject({ more: 'idle', nextCursor: undefined });
  });

  it('keeps the loaded notes and the cursor when a later page fails', () => {
    const failed = feedReducer(ready([makeNote({ id: 3n })], 3n), {
      type: 'more-failed',
      error: { kind: 'unreachable', detail: '' },
    });
    expect(failed).toMatchObject({ status: 'ready', more: 'error', nextCursor: 3n });
    expect(ids(failed.notes)).toEqual([3n]);
  });

  it('reports a failed first page, and clears it when loading again', () => {
    const failed = feedReducer(INITIAL_FEED, {
      type: 'load-failed',
      error: { kind: 'unreachable', detail: '' },
    });
    expect(failed.status).toBe('error');
    expect(feedReducer(failed, { type: 'load-started' })).toMatchObject({
      status: 'loading',
      error: undefined,
    });
  });

  it('patches saved and removed notes into a loaded feed', () => {
    let state = ready([makeNote({ id: 3n })]);
    state = feedReducer(state, { type: 'note-saved', note: makeNote({ id: 4n }) });
    expect(ids(state.notes)).toEqual([4n, 3n]);
    state = feedReducer(state, { type: 'note-removed', id: 3n });
    expect(ids(state.notes)).toEqual([4n]);
  });

  it('ignores a saved note before the first page arrives, which brings it anyway', () => {
    expect(feedReducer(INITIAL_FEED, { type: 'note-saved', note: makeNote() })).toBe(INITIAL_FEED);
  });
});
