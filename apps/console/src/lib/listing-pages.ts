/** The directory's listings as the user pages through them: merging pages, normalizing searches. */
import type { DappListing } from './listing';

/** One page of listings, as the directory returns it. */
export interface ListingPage {
  readonly listings: readonly DappListing[];
  /** Where the next page starts; undefined on the last page. */
  readonly nextCursor: string | undefined;
}

/** The listings loaded so far for one search, and where the next page starts. */
export type ListingPages = ListingPage;

/** No listings loaded yet. */
export const NO_PAGES: ListingPages = { listings: [], nextCursor: undefined };

/**
 * `pages` with `page` appended. A dApp updated between two requests can come back on the next
 * page too: it keeps its first place, with the newer record, so no card shows twice.
 */
export function mergeListingPage(pages: ListingPages, page: ListingPage): ListingPages {
  const incoming = new Map(page.listings.map((listing) => [listing.frontend, listing]));
  const listings = pages.listings.map((listing) => {
    const newer = incoming.get(listing.frontend);
    if (newer === undefined) {
      return listing;
    }
    incoming.delete(listing.frontend);
    return newer;
  });
  return { listings: [...listings, ...incoming.values()], nextCursor: page.nextCursor };
}

/**
 * The search to send for what the user typed: trimmed, runs of white space made one space;
 * undefined for nothing (the whole directory).
 * @example
 * normalizeSearch('  notes   app ') // 'notes app'
 */
export function normalizeSearch(text: string): string | undefined {
  const search = text.trim().replace(/\s+/g, ' ');
  return search === '' ? undefined : search;
}
