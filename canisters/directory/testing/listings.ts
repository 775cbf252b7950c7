import { Principal } from '@dfinity/principal';
import type { CandidListing, CandidListingInput } from '../src/candid/interface.js';
import type { Listing, ListingInput, Release } from '../src/listings/types.js';

/** Test fixtures: canister ids, callers, inputs and listings with defaults. */

/** The id of canister number `index`, as the IC forms it: 8 bytes BE, then 0x01 0x01. */
export function canisterId(index: number): Uint8Array {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(index));
  bytes[8] = 1;
  bytes[9] = 1;
  return bytes;
}

/** Principal bytes of test callers (self-authenticating ids are 29 bytes, ending 0x02). */
export const ALICE = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : i + 1));
export const BOB = Uint8Array.from({ length: 29 }, (_, i) => (i === 28 ? 2 : 200 - i));
/** The anonymous principal: the single byte 0x04. */
export const ANONYMOUS = Uint8Array.of(4);

/** A time in nanoseconds, for stamps. */
export const NOW_NS = 1_700_000_000_000_000_000n;

export function makeRelease(overrides: Partial<Release> = {}): Release {
  return { id: 7n, timeNs: NOW_NS, files: 12n, bytes: 345_678n, ...overrides };
}

export function makeInput(overrides: Partial<ListingInput> = {}): ListingInput {
  return {
    frontend: canisterId(1),
    name: 'Citadel Notes',
    description: 'Notes in stable memory.',
    backends: [{ name: 'backend', id: canisterId(2) }],
    icon: '/icon.svg',
    ...overrides,
  };
}

export function makeListing(overrides: Partial<Listing> = {}): Listing {
  return {
    frontend: canisterId(1),
    name: 'Citadel Notes',
    description: 'Notes in stable memory.',
    backends: [{ name: 'backend', id: canisterId(2) }],
    owner: ALICE,
    icon: '/icon.svg',
    lastRelease: makeRelease(),
    createdAtNs: NOW_NS,
    updatedAtNs: NOW_NS,
    version: 1n,
    ...overrides,
  };
}

const opt = <T>(value: T | undefined): [] | [T] => (value === undefined ? [] : [value]);

/** `listing` as @dfinity/candid encodes and decodes a `Listing`. */
export function toCandidListing(listing: Listing): CandidListing {
  const release = listing.lastRelease;
  return {
    frontend: Principal.fromUint8Array(listing.frontend),
    name: listing.name,
    description: listing.description,
    backends: listing.backends.map((backend) => ({
      name: backend.name,
      id: Principal.fromUint8Array(backend.id),
    })),
    owner: Principal.fromUint8Array(listing.owner),
    icon: opt(listing.icon),
    last_release: opt(
      release && {
        id: release.id,
        time_ns: release.timeNs,
        files: release.files,
        bytes: release.bytes,
      },
    ),
    created_at: listing.createdAtNs,
    updated_at: listing.updatedAtNs,
    version: listing.version,
  };
}

/** `input` as a client sends a `ListingInput`. */
export function toCandidInput(input: ListingInput): CandidListingInput {
  const release = input.lastRelease;
  return {
    frontend: Principal.fromUint8Array(input.frontend),
    name: input.name,
    description: input.description,
    backends: input.backends.map((backend) => ({
      name: backend.name,
      id: Principal.fromUint8Array(backend.id),
    })),
    icon: opt(input.icon),
    last_release: opt(
      release && {
        id: release.id,
        time_ns: release.timeNs,
        files: release.files,
        bytes: release.bytes,
      },
    ),
  };
}
