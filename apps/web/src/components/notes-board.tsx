'use client';

import { useEffect, useState } from 'react';
import type { Feed, Note } from '../lib/note';
import { useNotesApi } from '../lib/notes-api-context';
import { buttonClass } from './button-styles';
import { Composer } from './composer';
import { FeedTabs, feedPanelId, feedTabId } from './feed-tabs';
import { NoteList } from './note-list';
import { useLimits } from './use-limits';
import { useNoteFeed } from './use-note-feed';

/** The signed-in app: the composer, and the Public and Mine feeds as tabs. */
export function NotesBoard({ viewer }: { viewer: string }) {
  const api = useNotesApi();
  const limits = useLimits(api);
  const [active, setActive] = useState<Feed>('public');
  const publicFeed = useNoteFeed(api, 'public', viewer);
  const mineFeed = useNoteFeed(api, 'mine', viewer);
  const shown = active === 'public' ? publicFeed : mineFeed;

  // A feed loads the first time its tab is shown, and keeps its pages when switched away.
  const { status } = shown.state;
  const { load } = shown;
  useEffect(() => {
    if (status === 'idle') {
      void load();
    }
  }, [status, load]);

  // A note changed in one feed may enter, change in or leave the other.
  function noteSaved(note: Note): void {
    publicFeed.noteSaved(note);
    mineFeed.noteSaved(note);
  }

  function noteRemoved(id: bigint): void {
    publicFeed.noteRemoved(id);
    mineFeed.noteRemoved(id);
  }

  return (
    <div className="space-y-8">
      <Composer limits={limits} onCreated={noteSaved} />
      <section aria-labelledby="notes-heading" className="space-y-4">
        <h2 id="notes-heading" className="sr-only">
          Notes
        </h2>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <FeedTabs active={active} onSelect={setActive} />
          <button
            type="button"
            data-testid="refresh"
            onClick={() => void shown.load()}
            disabled={status === 'loading'}
            className={buttonClass('ghost')}
          >
            Refresh
          </button>
        </div>
        <div role="tabpanel" id={feedPanelId(active)} aria-labelledby={feedTabId(active)}>
          <NoteList
            feed={active}
            state={shown.state}
            viewer={viewer}
            limits={limits}
            onRetry={() => void shown.load()}
            onLoadMore={() => void shown.loadMore()}
            onSaved={noteSaved}
            onDeleted={noteRemoved}
          />
        </div>
      </section>
    </div>
  );
}
