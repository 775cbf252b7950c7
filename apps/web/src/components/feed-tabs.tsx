'use client';

import { useRef, type KeyboardEvent } from 'react';
import type { Feed } from '../lib/note';

/** The tabs, in order, with their labels. */
const TABS: readonly { readonly feed: Feed; readonly label: string }[] = [
  { feed: 'public', label: 'Public' },
  { feed: 'mine', label: 'Mine' },
];

/** The id (and test id) of the tab of `feed`. */
export function feedTabId(feed: Feed): string {
  return `tab-${feed}`;
}

/** The id of the panel showing `feed`. */
export function feedPanelId(feed: Feed): string {
  return `panel-${feed}`;
}

/**
 * The Public / Mine switch: an ARIA tablist with roving focus (arrow keys, Home and End
 * move between tabs and select them). Only the selected feed's panel is rendered, so only
 * the selected tab names a panel in `aria-controls`.
 */
export function FeedTabs({ active, onSelect }: { active: Feed; onSelect: (feed: Feed) => void }) {
  const buttons = useRef(new Map<Feed, HTMLButtonElement>());

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const index = TABS.findIndex((tab) => tab.feed === active);
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % TABS.length,
      ArrowLeft: (index - 1 + TABS.length) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = moves[event.key];
    const tab = target === undefined ? undefined : TABS[target];
    if (tab !== undefined) {
      event.preventDefault();
      onSelect(tab.feed);
      buttons.current.get(tab.feed)?.focus();
    }
  }

  return (
    <div
      role="tablist"
      aria-label="Notes"
      onKeyDown={onKeyDown}
      className="inline-flex rounded-xl bg-slate-200/70 p-1 dark:bg-slate-800"
    >
      {TABS.map(({ feed, label }) => {
        const selected = feed === active;
        return (
          <button
            key={feed}
            ref={(element) => {
              if (element === null) {
                buttons.current.delete(feed);
              } else {
                buttons.current.set(feed, element);
              }
            }}
            type="button"
            role="tab"
            id={feedTabId(feed)}
            data-testid={feedTabId(feed)}
            aria-selected={selected}
            aria-controls={selected ? feedPanelId(feed) : undefined}
            tabIndex={selected ? 0 : -1}
            onClick={() => onSelect(feed)}
            className={`rounded-lg px-4 py-1.5 text-sm font-semibold transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 ${
              selected
                ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-950 dark:text-white'
                : 'text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white'
            }`}
          >
            {label}
          </button>
        );
      })}
    </div>
  );
}
