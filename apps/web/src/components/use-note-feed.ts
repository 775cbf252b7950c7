'use client';

import { useCallback, useReducer, useRef } from 'react';
import { feedReducer, INITIAL_FEED, type FeedState } from '../lib/feed-state';
import { isInFeed, type Feed, type Note } from '../lib/note';
import type { NotesApi } from '../lib/notes-api';

/** A feed's state and what can be done to it. */
export interface NoteFeed {
  readonly state: FeedState;
  /** Loads the first page again, dropping what was loaded. */
  readonly load: () => Promise<void>;
  /** Loads the page after the last one loaded. */
  readonly loadMore: () => Promise<void>;
  /** Shows a created or changed note, or drops it if it no longer belongs here. */
  readonly noteSaved: (note: Note) => void;
  readonly noteRemoved: (id: bigint) => void;
}

/** The notes of `feed` as seen by `viewer`, loaded page by page through `api`. */
export function useNoteFeed(api: NotesApi, feed: Feed, viewer: string): NoteFeed {
  const [state, dispatch] = useReducer(feedReducer, INITIAL_FEED);
  // Each first-page load starts a generation; answers from an older one are dropped, so a
  // reload wins over a "load more" still on its way.
  const generation = useRef(0);

  const load = useCallback(async () => {
    const current = ++generation.current;
    dispatch({ type: 'load-started' });
    const result = await api.listNotes(feed);
    if (current === generation.current) {
      dispatch(
        result.ok
          ? { type: 'load-succeeded', page: result.value }
          : { type: 'load-failed', error: result.error },
      );
    }
  }, [api, feed]);

  const { nextCursor } = state;
  const loadMore = useCallback(async () => {
    if (nextCursor === undefined) {
      return;
    }
    const current = generation.current;
    dispatch({ type: 'more-started' });
    const result = await api.listNotes(feed, nextCursor);
    if (current === generation.current) {
      dispatch(
        result.ok
          ? { type: 'more-succeeded', page: result.value }
          : { type: 'more-failed', error: result.error },
      );
    }
  }, [api, feed, nextCursor]);

  const noteSaved = useCallback(
    (note: Note) =>
      dispatch(
        isInFeed(feed, note, viewer)
          ? { type: 'note-saved', note }
          : { type: 'note-removed', id: note.id },
      ),
    [feed, viewer],
  );

  const noteRemoved = useCallback((id: bigint) => dispatch({ type: 'note-removed', id }), []);

  return { state, load, loadMore, noteSaved, noteRemoved };
}
