'use client';

import type { FeedState } from '../lib/feed-state';
import type { Feed, Note, NoteLimits } from '../lib/note';
import { buttonClass } from './button-styles';
import { ErrorBanner } from './error-banner';
import { NoteCard } from './note-card';
import { NoteSkeletons } from './note-skeleton';
import { useNow } from './use-now';

/** What {@link NoteList} shows and reports. */
export interface NoteListProps {
  readonly feed: Feed;
  readonly state: FeedState;
  readonly viewer: string;
  readonly limits: NoteLimits | undefined;
  readonly onRetry: () => void;
  readonly onLoadMore: () => void;
  readonly onSaved: (note: Note) => void;
  readonly onDeleted: (id: bigint) => void;
}

const EMPTY: Readonly<Record<Feed, { title: string; hint: string }>> = {
  public: {
    title: 'No public notes yet',
    hint: 'Public notes from everyone appear here. Write one above and leave it public.',
  },
  mine: {
    title: 'You have no notes yet',
    hint: 'Notes you write, public or private, appear here.',
  },
};

/** A feed: skeletons while it loads, an error with retry, an empty state, or the notes and "Load more". */
export function NoteList({
  feed,
  state,
  viewer,
  limits,
  onRetry,
  onLoadMore,
  onSaved,
  onDeleted,
}: NoteListProps) {
  const nowMs = useNow();

  if (state.status === 'idle' || state.status === 'loading') {
    return <NoteSkeletons />;
  }
  if (state.status === 'error') {
    return <ErrorBanner title="Could not load notes" error={state.error} onRetry={onRetry} />;
  }
  if (state.notes.length === 0) {
    return (
      <div
        data-testid="empty-state"
        className="rounded-2xl border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-700"
      >
        <p className="font-semibold text-slate-800 dark:text-slate-100">{EMPTY[feed].title}</p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{EMPTY[feed].hint}</p>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <ul className="space-y-4">
        {state.notes.map((note) => (
          <li key={note.id.toString()}>
            <NoteCard
              note={note}
              viewer={viewer}
              limits={limits}
              nowMs={nowMs}
              onSaved={onSaved}
              onDeleted={onDeleted}
            />
          </li>
        ))}
      </ul>
      {state.more === 'error' ? (
        <ErrorBanner
          title="Could not load more notes"
          error={state.moreError}
          onRetry={onLoadMore}
        />
      ) : null}
      {state.nextCursor !== undefined && state.more !== 'error' ? (
        <div className="flex justify-center">
          <button
            type="button"
            data-testid="load-more"
            disabled={state.more === 'loading'}
            aria-busy={state.more === 'loading'}
            onClick={onLoadMore}
            className={buttonClass('secondary')}
          >
            {state.more === 'loading' ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
