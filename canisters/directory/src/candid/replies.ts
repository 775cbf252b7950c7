import type {
  DirectoryError,
  DirectoryErrorCode,
  DirectoryResult,
  ListingPage,
  QuotaScope,
  StoredListing,
} from '../listings/types.js';
import { writePrincipal } from './listing-value.js';
import { T } from './interface.js';
import { type CandidWriter, inLabelOrder, replyEncoder } from '@citadel/candid-wire';

/**
 * Candid replies of the listing methods, assembled from stored listing values: a fixed type
 * table (taken once from `@dfinity/candid`), then the value, whose listings are the stored
 * bytes. A page of 100 listings with icons is ~1 MB joined, where encoding it with
 * `IDL.encode` would walk every field of every listing in JavaScript.
 */
export interface ReplyEncoder {
  /** A `ListingResult`. */
  listingResult(result: DirectoryResult<StoredListing>): Uint8Array;
  /** A `RemoveResult`. */
  removeResult(result: DirectoryResult<unknown>): Uint8Array;
  /** A `ListResult`. */
  listResult(result: DirectoryResult<ListingPage>): Uint8Array;
}

const RESULT_TAGS = inLabelOrder(['ok', 'err']);
const OK = RESULT_TAGS.indexOf('ok');
const ERR = RESULT_TAGS.indexOf('err');
const ERROR_TAGS = inLabelOrder<DirectoryErrorCode>([
  'anonymous',
  'not_found',
  'not_owner',
  'invalid',
  'quota_exceeded',
]);
const INVALID_FIELDS = inLabelOrder<'field' | 'message'>(['field', 'message']);
const QUOTA_FIELDS = inLabelOrder<'scope' | 'limit'>(['scope', 'limit']);
const QUOTA_SCOPES = inLabelOrder<QuotaScope>(['owner', 'directory']);
const PAGE_FIELDS = inLabelOrder<'listings' | 'next_cursor'>(['listings', 'next_cursor']);

function writeError(out: CandidWriter, error: DirectoryError): void {
  out.leb(ERROR_TAGS.indexOf(error.code));
  switch (error.code) {
    case 'anonymous':
      return;
    case 'not_found':
    case 'not_owner':
      writePrincipal(out, error.frontend);
      return;
    case 'invalid': {
      const encoder = new TextEncoder();
      for (const field of INVALID_FIELDS) {
        out.sized(encoder.encode(error[field]));
      }
      return;
    }
    case 'quota_exceeded':
      for (const field of QUOTA_FIELDS) {
        if (field === 'scope') {
          out.leb(QUOTA_SCOPES.indexOf(error.scope));
        } else {
          out.nat64(error.limit);
        }
      }
      return;
  }
}

/** A result: `ok` with what `writeValue` writes, or `err`. */
function writeResult<T>(
  writeValue: (out: CandidWriter, value: T) => void,
): (out: CandidWriter, result: DirectoryResult<T>) => void {
  return (out, result) => {
    if (result.ok) {
      writeValue(out.leb(OK), result.value);
    } else {
      writeError(out.leb(ERR), result.error);
    }
  };
}

function writePage(out: CandidWriter, page: ListingPage): void {
  for (const field of PAGE_FIELDS) {
    if (field === 'listings') {
      out.leb(page.listings.length);
      for (const listing of page.listings) {
        out.raw(listing.bytes);
      }
    } else if (page.nextCursor === undefined) {
      out.byte(0);
    } else {
      out.byte(1).sized(new TextEncoder().encode(page.nextCursor));
    }
  }
}

const writeListingResult = writeResult<StoredListing>((out, listing) => out.raw(listing.bytes));
const writeRemoveResult = writeResult<unknown>(() => undefined);
const writeListResult = writeResult(writePage);

/** Creates the encoder; its type tables are computed here, once. */
export function createReplyEncoder(): ReplyEncoder {
  const anonymous: DirectoryResult<never> = { ok: false, error: { code: 'anonymous' } };
  const emptyPage: DirectoryResult<ListingPage> = { ok: true, value: { listings: [] } };
  return {
    listingResult: replyEncoder(
      T.ListingResult,
      { err: { anonymous: null } },
      anonymous,
      writeListingResult,
    ),
    removeResult: replyEncoder(
      T.RemoveResult,
      { ok: null },
      { ok: true, value: null },
      writeRemoveResult,
    ),
    listResult: replyEncoder(
      T.ListResult,
      { ok: { listings: [], next_cursor: [] } },
      emptyPage,
      writeListResult,
    ),
  };
}
