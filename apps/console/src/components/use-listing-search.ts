'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleError } from '../lib/console-error';
import type { DirectoryApi } from '../lib/directory-api';
import {
  mergeListingPage,
  NO_PAGES,
  normalizeSearch,
  type ListingPages,
} from '../lib/listing-pages';

/** How long typing must pause before the directory is asked. */
export const SEARCH_DEBOUNCE_MS = 300;

/** The first page of a search. */
export type ListingSearchStatus =
  | { readonly status: 'loading' }
  | { readonly status: 'loaded' }
  | { readonly status: 'failed'; readonly error: ConsoleError };

/** Loading the next page. */
export type LoadMoreStatus =
  | { readonly status: 'idle' }
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: ConsoleError };

/** What {@link useListingSearch} returns. */
export interface ListingSearch {
  /** What the user typed. */
  readonly text: string;
  setText(text: string): void;
  /** The search the listings are for (normalized); undefined for the whole directory. */
  readonly search: string | undefined;
  readonly first: ListingSearchStatus;
  readonly pages: ListingPages;
  readonly more: LoadMoreStatus;
  /** Loads the next page, when there is one. */
  loadMore(): void;
  /** Loads the first page again. */
  retry(): void;
}

/**
 * The directory's listings for what the user types: asked for once typing pauses for
 * `debounceMs`, paged with "Load more". Answers to a search the user has since changed are
 * dropped, so a slow reply never replaces a newer one.
 */
export function useListingSearch(
  directory: DirectoryApi,
  debounceMs: number = SEARCH_DEBOUNCE_MS,
): ListingSearch {
  const [text, setText] = useState('');
  const [search, setSearch] = useState<string | undefined>(undefined);
  const [first, setFirst] = useState<ListingSearchStatus>({ status: 'loading' });
  const [pages, setPages] = useState<ListingPages>(NO_PAGES);
  const [more, setMore] = useState<LoadMoreStatus>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);
  /** Bumped by every new first page, so a page for an older search is dropped. */
  const generation = useRef(0);

  useEffect(() => {
    const timer = setTimeout(() => setSearch(normalizeSearch(text)), debounceMs);
    return () => clearTimeout(timer);
  }, [text, debounceMs]);

  useEffect(() => {
    generation.current += 1;
    const mine = generation.current;
    setFirst({ status: 'loading' });
    setPages(NO_PAGES);
    setMore({ status: 'idle' });
    void directory.listListings({ search }).then((result) => {
      if (generation.current !== mine) {
        return;
      }
      if (result.ok) {
        setPages(mergeListingPage(NO_PAGES, result.value));
        setFirst({ status: 'loaded' });
      } else {
        setFirst({ status: 'failed', error: result.error });
      }
    });
  }, [directory, search, attempt]);

  const loadMore = useCallback(() => {
    const cursor = pages.nextCursor;
    if (cursor === undefined || more.status === 'loading') {
      return;
    }
    const mine = generation.current;
    setMore({ status: 'loading' });
    void directory.listListings({ search, cursor }).then((result) => {
      if (generation.current !== mine) {
        return;
      }
      if (result.ok) {
        setPages((current) => mergeListingPage(current, result.value));
        setMore({ status: 'idle' });
      } else {
        setMore({ status: 'failed', error: result.error });
      }
    });
  }, [directory, search, pages.nextCursor, more.status]);

  const retry = useCallback(() => setAttempt((count) => count + 1), []);

  return { text, setText, search, first, pages, more, loadMore, retry };
}
