import type { DirectoryLimits } from './limits.js';
import { principalText } from './principal.js';
import type { Listing } from './types.js';
import { type Invalid, countCodePoints, grouped, invalid } from './validation.js';

/**
 * Search and order. Each listing keeps in the heap one lower-cased text to search (its name,
 * description and canister ids, a line each) and one sort key; a search is a few words that
 * must each occur in that text. Both are computed when a listing is written, so a search
 * runs only `String.prototype.includes` per word and listing, native code in QuickJS.
 */

/** What a search is looked for in: name, description, frontend id and backend ids, lower-cased. */
export function searchTextOf(
  listing: Pick<Listing, 'name' | 'description' | 'frontend' | 'backends'>,
): string {
  return [
    listing.name,
    listing.description,
    principalText(listing.frontend),
    ...listing.backends.map((backend) => principalText(backend.id)),
  ]
    .join('\n')
    .toLowerCase();
}

/**
 * The key listings sort by: the name lower-cased, a NUL (below every character a name may
 * have, so `ab` sorts before `ab c`), then the frontend id as text. Names are unique in no
 * way; the id makes keys unique. A page's `nextCursor` is the key of its last listing.
 */
export function sortKeyOf(listing: Pick<Listing, 'name' | 'frontend'>): string {
  return `${listing.name.toLowerCase()}\u0000${principalText(listing.frontend)}`;
}

/**
 * The distinct lower-cased words of a search (none for an empty one), or why it is refused:
 * at most `searchChars` characters once trimmed and `searchWords` words.
 */
export function parseSearch(
  search: string | undefined,
  limits: Pick<DirectoryLimits, 'searchChars' | 'searchWords'>,
): { ok: true; value: string[] } | { ok: false; error: Invalid } {
  const text = (search ?? '').trim();
  if (text.length > limits.searchChars) {
    const chars = text.length > 4 * limits.searchChars ? undefined : countCodePoints(text);
    if (chars === undefined || chars > limits.searchChars) {
      return {
        ok: false,
        error: invalid(
          'search',
          `search must be at most ${grouped(limits.searchChars)} characters long`,
        ),
      };
    }
  }
  const words = text === '' ? [] : [...new Set(text.toLowerCase().split(/\s+/))];
  if (words.length > limits.searchWords) {
    return {
      ok: false,
      error: invalid(
        'search',
        `search must have at most ${limits.searchWords} words; it has ${words.length}`,
      ),
    };
  }
  return { ok: true, value: words };
}

/** Whether every word occurs in `searchText`. */
export function matches(searchText: string, words: readonly string[]): boolean {
  // An index loop: `for…of` runs the iterator protocol, dozens of QuickJS operations a word.
  for (let index = 0; index < words.length; index++) {
    if (!searchText.includes(words[index] as string)) {
      return false;
    }
  }
  return true;
}
