import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { BOB, canisterId, makeListing, toCandidListing } from '../../testing/listings.js';
import {
  ListingRecordError,
  decodeIndexRecord,
  encodeIndexRecord,
  encodeListingRecord,
  storedListing,
} from '../listings/records.js';
import type { DirectoryError, DirectoryResult, ListingPage } from '../listings/types.js';
import { T } from './interface.js';
import { readListing, writeListing } from './listing-value.js';
import { createReplyEncoder } from './replies.js';
import { CandidReader, CandidWriter } from '@citadel/candid-wire';

const encoder = createReplyEncoder();

/** Listings whose values exercise UTF-8 widths, options, vectors and extremes. */
const LISTINGS = [
  makeListing(),
  makeListing({ icon: undefined, lastRelease: undefined, backends: [], description: '' }),
  makeListing({
    name: 'é 日本語 🙂',
    description: 'quotes " and \\ backslash\n\tindented',
    owner: BOB,
    version: 2n ** 64n - 1n,
    backends: Array.from({ length: 16 }, (_, i) => ({
      name: `backend ${i} 🙂`,
      id: canisterId(i),
    })),
    icon: `data:image/png;base64,${'A'.repeat(8_000)}`,
    lastRelease: { id: 2n ** 63n, timeNs: 1n, files: 0n, bytes: 2n ** 64n - 1n },
  }),
];

const ERRORS: DirectoryError[] = [
  { code: 'anonymous' },
  { code: 'not_found', frontend: canisterId(3) },
  { code: 'not_owner', frontend: canisterId(4) },
  { code: 'invalid', field: 'name', message: 'name must be 1 to 64 characters long; it has 0 🙂' },
  { code: 'quota_exceeded', scope: 'owner', limit: 100n },
  { code: 'quota_exceeded', scope: 'directory', limit: 10_000n },
];

function toCandidError(error: DirectoryError): unknown {
  switch (error.code) {
    case 'anonymous':
      return { anonymous: null };
    case 'not_found':
    case 'not_owner':
      return { [error.code]: { frontend: Principal.fromUint8Array(error.frontend) } };
    case 'invalid':
      return { invalid: { field: error.field, message: error.message } };
    case 'quota_exceeded':
      return { quota_exceeded: { scope: { [error.scope]: null }, limit: error.limit } };
  }
}

const encode = (type: IDL.Type, value: unknown) => new Uint8Array(IDL.encode([type], [value]));
const stored = (listing = makeListing()) => storedListing(encodeListingRecord(listing));

describe('listing values', () => {
  it('are the bytes @dfinity/candid writes for a Listing, after its type table', () => {
    for (const listing of LISTINGS) {
      const value = writeListing(new CandidWriter(), listing).finish();
      const full = encode(T.Listing, toCandidListing(listing));
      expect(full.subarray(full.length - value.length)).toEqual(value);
    }
  });

  it('read back as the listing written', () => {
    for (const listing of LISTINGS) {
      const input = new CandidReader(writeListing(new CandidWriter(), listing).finish());
      expect(readListing(input)).toEqual(
        Object.fromEntries(Object.entries(listing).filter(([, v]) => v !== undefined)),
      );
      expect(input.done).toBe(true);
    }
  });
});

describe('records', () => {
  it('store a listing behind a format byte and decode it on first read', () => {
    const listing = makeListing();
    const record = encodeListingRecord(listing);
    expect(record[0]).toBe(1);
    expect(storedListing(record).listing).toEqual(listing);
    expect(storedListing(record).bytes).toEqual(record.subarray(1));
  });

  it('fail with ListingRecordError on an unknown format or trailing bytes', () => {
    const record = encodeListingRecord(makeListing());
    expect(() => storedListing(Uint8Array.of(9, ...record.subarray(1)))).toThrow(
      ListingRecordError,
    );
    expect(() => storedListing(Uint8Array.of(...record, 0)).listing).toThrow(
      /bytes after its value/,
    );
    expect(() => decodeIndexRecord(Uint8Array.of(2))).toThrow(ListingRecordError);
  });

  it('round-trip index entries', () => {
    const entry = { key: 'notes\u0000aaaaa-aa', owner: BOB, searchText: 'notes\né 🙂' };
    expect(decodeIndexRecord(encodeIndexRecord(entry))).toEqual(entry);
  });
});

describe('replies', () => {
  it('are what @dfinity/candid encodes for every result and error', () => {
    for (const listing of LISTINGS) {
      expect(encoder.listingResult({ ok: true, value: stored(listing) })).toEqual(
        encode(T.ListingResult, { ok: toCandidListing(listing) }),
      );
    }
    expect(encoder.removeResult({ ok: true, value: null })).toEqual(
      encode(T.RemoveResult, { ok: null }),
    );
    for (const error of ERRORS) {
      const result: DirectoryResult<never> = { ok: false, error };
      const err = { err: toCandidError(error) };
      expect(encoder.listingResult(result), error.code).toEqual(encode(T.ListingResult, err));
      expect(encoder.removeResult(result), error.code).toEqual(encode(T.RemoveResult, err));
      expect(encoder.listResult(result), error.code).toEqual(encode(T.ListResult, err));
    }
  });

  it('encode pages with and without a cursor as @dfinity/candid does', () => {
    const pages: ListingPage[] = [
      { listings: [] },
      { listings: LISTINGS.map(stored), nextCursor: 'notes\u0000ryjl3-tyaaa-aaaaa-aaaba-cai' },
      { listings: [stored()], nextCursor: 'é 🙂' },
    ];
    for (const page of pages) {
      expect(encoder.listResult({ ok: true, value: page })).toEqual(
        encode(T.ListResult, {
          ok: {
            listings: page.listings.map((s) => toCandidListing(s.listing)),
            next_cursor: page.nextCursor === undefined ? [] : [page.nextCursor],
          },
        }),
      );
    }
  });

  it('decode with @dfinity/candid to the listings stored', () => {
    const listing = LISTINGS[2] ?? makeListing();
    const [decoded] = IDL.decode(
      [T.ListingResult],
      encoder.listingResult({ ok: true, value: stored(listing) }),
    );
    expect(decoded).toEqual({ ok: toCandidListing(listing) });
  });
});
