'use client';

import { dappUrlOf, searchForDapp, type PageLocation } from '../lib/dapp-url';
import { buttonClass } from './button-styles';
import { DappCard } from './dapp-card';
import { ErrorBanner } from './error-banner';
import { useListingSearch } from './use-listing-search';
import { useConsoleServices } from '../lib/console-services-context';

/** What {@link DappDirectory} takes. */
export interface DappDirectoryProps {
  /** The page's location: dApp URLs are built on its gateway. */
  readonly location: PageLocation;
  /** Shows a dApp's detail view. */
  readonly onOpenDetail: (frontend: string) => void;
  /** @default SEARCH_DEBOUNCE_MS */
  readonly debounceMs?: number;
}

/** The home view: a search box, then the listed dApps as cards, a page at a time. */
export function DappDirectory({ location, onOpenDetail, debounceMs }: DappDirectoryProps) {
  const { directory } = useConsoleServices();
  const listing = useListingSearch(directory, debounceMs);
  const { first, pages, more } = listing;
  const count = pages.listings.length;
  return (
    <section aria-labelledby="directory-title" className="space-y-6">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 id="directory-title" className="text-2xl font-bold text-slate-900 dark:text-white">
            Hosted dApps
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Every dApp listed in this network’s directory. Open one to check what the network
            certifies about it.
          </p>
        </div>
        <div className="relative w-full sm:w-72">
          <label htmlFor="dapp-search" className="sr-only">
            Search dApps
          </label>
          <svg
            aria-hidden="true"
            viewBox="0 0 20 20"
            className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 fill-slate-400"
          >
            <path d="M8.5 3a5.5 5.5 0 0 1 4.38 8.82l4.15 4.15-1.06 1.06-4.15-4.15A5.5 5.5 0 1 1 8.5 3Zm0 1.5a4 4 0 1 0 0 8 4 4 0 0 0 0-8Z" />
          </svg>
          <input
            id="dapp-search"
            type="search"
            data-testid="search"
            placeholder="Search by name or description"
            autoComplete="off"
            value={listing.text}
            onChange={(event) => listing.setText(event.target.value)}
            className="w-full rounded-lg border-0 bg-white py-2 pr-3 pl-9 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-500 dark:bg-slate-900 dark:text-white dark:ring-slate-700"
          />
        </div>
      </div>

      <p role="status" aria-live="polite" className="sr-only">
        {first.status === 'loading'
          ? 'Loading dApps…'
          : first.status === 'loaded'
            ? `${count} ${count === 1 ? 'dApp' : 'dApps'} shown`
            : ''}
      </p>

      {first.status === 'failed' ? (
        <ErrorBanner title="Could not load the dApps" error={first.error} onRetry={listing.retry} />
      ) : first.status === 'loading' ? (
        <CardSkeletons />
      ) : count === 0 ? (
        <div
          data-testid="empty-state"
          className="rounded-2xl border border-dashed border-slate-300 px-6 py-12 text-center dark:border-slate-700"
        >
          <p className="font-semibold text-slate-900 dark:text-white">
            {listing.search === undefined ? 'No dApps are listed yet' : 'No dApps match'}
          </p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {listing.search === undefined
              ? 'dApps appear here once their owners list them in the directory.'
              : `Nothing in the directory matches “${listing.search}”. Try other words.`}
          </p>
        </div>
      ) : (
        <>
          <ul className="grid gap-4 sm:grid-cols-2" aria-label="dApps">
            {pages.listings.map((dapp) => (
              <li key={dapp.frontend} className="flex [&>article]:w-full">
                <DappCard
                  listing={dapp}
                  dappUrl={dappUrlOf(dapp.frontend, location)}
                  detailHref={searchForDapp(location.search, dapp.frontend)}
                  onOpenDetail={() => onOpenDetail(dapp.frontend)}
                />
              </li>
            ))}
          </ul>
          {more.status === 'failed' ? (
            <ErrorBanner
              title="Could not load more dApps"
              error={more.error}
              onRetry={listing.loadMore}
              compact
            />
          ) : null}
          {pages.nextCursor === undefined || more.status === 'failed' ? null : (
            <div className="flex justify-center">
              <button
                type="button"
                data-testid="load-more"
                className={buttonClass('secondary')}
                disabled={more.status === 'loading'}
                aria-busy={more.status === 'loading'}
                onClick={listing.loadMore}
              >
                {more.status === 'loading' ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Placeholders while the first page loads. */
function CardSkeletons() {
  return (
    <ul className="grid gap-4 sm:grid-cols-2" aria-hidden="true" data-testid="loading">
      {[0, 1, 2, 3].map((index) => (
        <li
          key={index}
          className="h-44 animate-pulse rounded-2xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
        >
          <div className="flex gap-4 p-5">
            <div className="h-12 w-12 rounded-xl bg-slate-200 dark:bg-slate-800" />
            <div className="flex-1 space-y-2">
              <div className="h-4 w-1/2 rounded bg-slate-200 dark:bg-slate-800" />
              <div className="h-3 w-full rounded bg-slate-100 dark:bg-slate-800/60" />
              <div className="h-3 w-4/5 rounded bg-slate-100 dark:bg-slate-800/60" />
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
