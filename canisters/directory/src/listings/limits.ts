/** Limits on listings; `limits()` returns them to clients. */
export interface DirectoryLimits {
  /** Most characters (Unicode code points) in a trimmed name; the least is 1. */
  readonly nameChars: number;
  /** Most characters (Unicode code points) in a trimmed description. */
  readonly descriptionChars: number;
  /** Most backends one listing names. */
  readonly backends: number;
  /** Most characters in a trimmed backend name; the least is 1. */
  readonly backendNameChars: number;
  /** Most bytes (all ASCII, so characters too) in an icon: a path, an https URL or a data URL. */
  readonly iconBytes: number;
  /** Most listings one owner may have at a time. */
  readonly listingsPerOwner: number;
  /** Most listings in the directory at a time. */
  readonly listingsTotal: number;
  /** Most listings in one page. */
  readonly pageMax: number;
  /** Listings in a page when the request names no limit. */
  readonly pageDefault: number;
  /** Most characters in a trimmed search; longer searches are refused as `invalid`. */
  readonly searchChars: number;
  /** Most distinct words in a search; more are refused as `invalid`. */
  readonly searchWords: number;
}

/** The limits in force. */
export const DIRECTORY_LIMITS: DirectoryLimits = Object.freeze({
  nameChars: 64,
  descriptionChars: 500,
  backends: 16,
  backendNameChars: 64,
  iconBytes: 8 * 1024,
  listingsPerOwner: 100,
  listingsTotal: 10_000,
  pageMax: 100,
  pageDefault: 20,
  searchChars: 200,
  searchWords: 8,
});

/**
 * Most bytes of listings (their Candid values) in one page: a page ends early, with a cursor,
 * rather than outgrow a reply. The IC caps a reply at 2 MiB when a query runs replicated. A
 * listing is at most ~15 KB (an 8 KB icon, 500 four-byte characters of description, 16
 * backends), so 100 of them fit; the budget is a guard should the limits grow.
 */
export const PAGE_BYTES_MAX = 1_536 * 1024;
