import { readListing, writeListing } from '../candid/listing-value.js';
import { CandidReader, CandidWriter } from '@citadel/candid-wire';
import type { Listing, StoredListing } from './types.js';

/**
 * How listings are laid out in stable memory. A listing record is a format byte, then the
 * listing's Candid value (`candid/listing-value.ts`), so that a reply carries the stored bytes
 * as they are. An index record (owner, sort key, search text) is kept apart so the heap
 * indexes are rebuilt after an upgrade without reading icons or rendering principals as text.
 */

/** Thrown when stable memory holds something this layout does not (a bug, or a downgrade). */
export class ListingRecordError extends Error {
  override readonly name = 'ListingRecordError';
}

/** The first byte of a record in this layout; another layout gets another byte. */
const RECORD_V1 = 1;

/** The stored form of `listing`. */
export function encodeListingRecord(listing: Listing): Uint8Array {
  return writeListing(new CandidWriter().byte(RECORD_V1), listing).finish();
}

/** Reads a whole value with `read` from `bytes`, which must hold nothing more. */
function readAll<T>(bytes: Uint8Array, what: string, read: (input: CandidReader) => T): T {
  if (bytes[0] !== RECORD_V1) {
    throw new ListingRecordError(`${what} has an unknown record format ${bytes[0]}`);
  }
  const input = new CandidReader(bytes, 1);
  const value = read(input);
  if (!input.done) {
    throw new ListingRecordError(`${what} has bytes after its value`);
  }
  return value;
}

/** A stored record as the store hands it out; the listing is decoded on first read. */
export function storedListing(record: Uint8Array, decoded?: Listing): StoredListing {
  if (record[0] !== RECORD_V1) {
    throw new ListingRecordError(`a listing has an unknown record format ${record[0]}`);
  }
  let listing = decoded;
  return {
    bytes: record.subarray(1),
    get listing() {
      return (listing ??= readAll(record, 'a listing', readListing));
    },
  };
}

/** What the heap indexes hold of a listing. */
export interface IndexEntry {
  /** Its sort key (`search.ts`). */
  readonly key: string;
  /** Its owner's principal bytes. */
  readonly owner: Uint8Array;
  /** The lower-cased text searches look in (`search.ts`). */
  readonly searchText: string;
}

/** The stored form of an index entry: format byte, owner, key, search text (each sized). */
export function encodeIndexRecord(entry: IndexEntry): Uint8Array {
  const encoder = new TextEncoder();
  return new CandidWriter()
    .byte(RECORD_V1)
    .sized(entry.owner)
    .sized(encoder.encode(entry.key))
    .sized(encoder.encode(entry.searchText))
    .finish();
}

export function decodeIndexRecord(bytes: Uint8Array): IndexEntry {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return readAll(bytes, 'an index record', (input) => ({
    owner: input.sized().slice(),
    key: decoder.decode(input.sized()),
    searchText: decoder.decode(input.sized()),
  }));
}
