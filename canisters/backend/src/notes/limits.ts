/** Limits on notes and listings; `limits()` returns them to clients. */
export interface NoteLimits {
  /** Most characters (Unicode code points) in a trimmed title; the least is 1. */
  readonly titleChars: number;
  /** Most characters (Unicode code points) in a body. */
  readonly bodyChars: number;
  /** Most notes one owner may have at a time. */
  readonly notesPerOwner: number;
  /** Most notes in one page of a listing. */
  readonly pageMax: number;
  /** Notes in a page when the request names no limit. */
  readonly pageDefault: number;
}

/** The limits in force. */
export const NOTE_LIMITS: NoteLimits = Object.freeze({
  titleChars: 120,
  bodyChars: 10_000,
  notesPerOwner: 500,
  pageMax: 100,
  pageDefault: 20,
});

/**
 * Most bytes of notes (their Candid values) in one page: a page ends early, with a cursor,
 * rather than outgrow a reply. The IC caps a reply at 2 MiB when a query runs replicated
 * (3 MiB otherwise); a full note is at most ~40 KB (10,000 four-byte characters), so a page
 * of 100 notes could reach 4 MB. 100 notes of 10,000 ASCII characters (~1 MB) still fit.
 */
export const PAGE_BYTES_MAX = 1_536 * 1024;
