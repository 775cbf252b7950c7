import { describe, expect, it } from 'vitest';
import { makeListing } from '../testing/make-listing';
import { mergeListingPage, NO_PAGES, normalizeSearch } from './listing-pages';

const A = makeListing({ frontend: 'qoctq-giaaa-aaaaa-aaaea-cai', name: 'A' });
const B = makeListing({ frontend: 'qhbym-qaaaa-aaaaa-aaafq-cai', name: 'B' });
const C = makeListing({ frontend: 'bkyz2-fmaaa-aaaaa-qaaaq-cai', name: 'C' });

describe('mergeListingPage', () => {
  it('appends a page and takes its cursor', () => {
    const first = mergeListingPage(NO_PAGES, { listings: [A], nextCursor: 'c1' });
    const second = mergeListingPage(first, { listings: [B, C], nextCursor: undefined });
    expect(second.listings.map((listing) => listing.name)).toEqual(['A', 'B', 'C']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('keeps a dApp seen again in its first place, with the newer record', () => {
    const first = mergeListingPage(NO_PAGES, { listings: [A, B], nextCursor: 'c1' });
    const renamed = { ...A, name: 'A renamed' };
    const merged = mergeListingPage(first, { listings: [C, renamed], nextCursor: 'c2' });
    expect(merged.listings.map((listing) => listing.name)).toEqual(['A renamed', 'B', 'C']);
    expect(merged.nextCursor).toBe('c2');
  });

  it('does not change the pages it was given', () => {
    const first = mergeListingPage(NO_PAGES, { listings: [A], nextCursor: 'c1' });
    mergeListingPage(first, { listings: [B], nextCursor: undefined });
    expect(first.listings).toEqual([A]);
    expect(NO_PAGES.listings).toEqual([]);
  });
});

describe('normalizeSearch', () => {
  it('trims and collapses white space', () => {
    expect(normalizeSearch('  notes \t  app ')).toBe('notes app');
  });

  it('is undefined for nothing but white space', () => {
    expect(normalizeSearch('')).toBeUndefined();
    expect(normalizeSearch('   ')).toBeUndefined();
  });
});
