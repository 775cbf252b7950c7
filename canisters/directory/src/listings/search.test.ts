import { describe, expect, it } from 'vitest';
import { canisterId, makeListing } from '../../testing/listings.js';
import { DIRECTORY_LIMITS } from './limits.js';
import { principalText } from './principal.js';
import { matches, parseSearch, searchTextOf, sortKeyOf } from './search.js';

const words = (search?: string) => {
  const parsed = parseSearch(search, DIRECTORY_LIMITS);
  if (!parsed.ok) {
    throw new Error(parsed.error.message);
  }
  return parsed.value;
};

describe('search', () => {
  it('searches the name, description and canister ids, lower-cased, a line each', () => {
    const listing = makeListing({ name: 'Notes', description: 'Write THINGS down' });
    expect(searchTextOf(listing)).toBe(
      `notes\nwrite things down\n${principalText(canisterId(1))}\n${principalText(canisterId(2))}`,
    );
  });

  it('matches when every word occurs, in any case and any field', () => {
    const text = searchTextOf(makeListing({ name: 'Citadel Notes', description: 'Stable memory' }));
    expect(matches(text, words('NOTES'))).toBe(true);
    expect(matches(text, words('  memory   citadel '))).toBe(true);
    expect(matches(text, words(principalText(canisterId(2)).slice(0, 11)))).toBe(true);
    expect(matches(text, words('notes chess'))).toBe(false);
    // A word never spans two fields.
    expect(matches(text, words('notes\nstable'))).toBe(true);
    expect(matches(text, words('notesstable'))).toBe(false);
    expect(matches(text, words(''))).toBe(true);
  });

  it('refuses a search over 200 characters or 8 words, and drops repeated words', () => {
    expect(words('a a b A')).toEqual(['a', 'b']);
    expect(words(undefined)).toEqual([]);
    expect(parseSearch('x'.repeat(201), DIRECTORY_LIMITS)).toMatchObject({
      ok: false,
      error: { field: 'search', message: 'search must be at most 200 characters long' },
    });
    expect(parseSearch('🙂'.repeat(200), DIRECTORY_LIMITS).ok).toBe(true);
    expect(parseSearch('a b c d e f g h i', DIRECTORY_LIMITS)).toMatchObject({
      ok: false,
      error: { message: 'search must have at most 8 words; it has 9' },
    });
  });

  it('sorts by name case-insensitively, a prefix first, then by frontend id', () => {
    const [one, two] = [canisterId(1), canisterId(2)];
    const oneFirst = principalText(one) < principalText(two);
    const abOne = sortKeyOf({ name: 'ab', frontend: one });
    const abTwo = sortKeyOf({ name: 'AB', frontend: two });
    const abSpace = sortKeyOf({ name: 'ab c', frontend: one });
    const abc = sortKeyOf({ name: 'abc', frontend: one });
    const zed = sortKeyOf({ name: 'Zed', frontend: one });
    expect([zed, abc, abSpace, abTwo, abOne].sort()).toEqual([
      ...(oneFirst ? [abOne, abTwo] : [abTwo, abOne]),
      abSpace,
      abc,
      zed,
    ]);
  });
});
