import type { Backend, Listing, Release } from '../listings/types.js';
import {
  CandidFormatError,
  type CandidReader,
  type CandidWriter,
  inLabelOrder,
} from '@citadel/candid-wire';

/**
 * A `Listing` (see `interface.ts`) as a Candid value, without type table: the form listings
 * are stored in and replied with.
 */

type ListingField =
  | 'frontend'
  | 'name'
  | 'description'
  | 'backends'
  | 'owner'
  | 'icon'
  | 'last_release'
  | 'created_at'
  | 'updated_at'
  | 'version';

const LISTING_FIELDS = inLabelOrder<ListingField>([
  'frontend',
  'name',
  'description',
  'backends',
  'owner',
  'icon',
  'last_release',
  'created_at',
  'updated_at',
  'version',
]);
const BACKEND_FIELDS = inLabelOrder<'name' | 'id'>(['name', 'id']);
const RELEASE_FIELDS = inLabelOrder<'id' | 'time_ns' | 'files' | 'bytes'>([
  'id',
  'time_ns',
  'files',
  'bytes',
]);

/** A principal reference is written transparently: flag 1, then its id (spec "References"). */
const TRANSPARENT = 1;

const text = (out: CandidWriter, value: string) => out.sized(new TextEncoder().encode(value));

/** Writes a `principal` value. */
export function writePrincipal(out: CandidWriter, principal: Uint8Array): CandidWriter {
  return out.byte(TRANSPARENT).sized(principal);
}

function writeBackend(out: CandidWriter, backend: Backend): void {
  for (const field of BACKEND_FIELDS) {
    if (field === 'name') {
      text(out, backend.name);
    } else {
      writePrincipal(out, backend.id);
    }
  }
}

const RELEASE_VALUES: Record<(typeof RELEASE_FIELDS)[number], (release: Release) => bigint> = {
  id: (release) => release.id,
  time_ns: (release) => release.timeNs,
  files: (release) => release.files,
  bytes: (release) => release.bytes,
};

const WRITERS: Record<ListingField, (out: CandidWriter, listing: Listing) => void> = {
  frontend: (out, listing) => writePrincipal(out, listing.frontend),
  name: (out, listing) => text(out, listing.name),
  description: (out, listing) => text(out, listing.description),
  backends: (out, listing) => {
    out.leb(listing.backends.length);
    for (const backend of listing.backends) {
      writeBackend(out, backend);
    }
  },
  owner: (out, listing) => writePrincipal(out, listing.owner),
  icon: (out, listing) => {
    if (listing.icon === undefined) {
      out.byte(0);
    } else {
      text(out.byte(1), listing.icon);
    }
  },
  last_release: (out, listing) => {
    const release = listing.lastRelease;
    if (release === undefined) {
      out.byte(0);
      return;
    }
    out.byte(1);
    for (const field of RELEASE_FIELDS) {
      out.nat64(RELEASE_VALUES[field](release));
    }
  },
  created_at: (out, listing) => out.nat64(listing.createdAtNs),
  updated_at: (out, listing) => out.nat64(listing.updatedAtNs),
  version: (out, listing) => out.nat64(listing.version),
};

/** Writes `listing` as a Candid `Listing` value. */
export function writeListing(out: CandidWriter, listing: Listing): CandidWriter {
  for (const field of LISTING_FIELDS) {
    WRITERS[field](out, listing);
  }
  return out;
}

/** Reads a `principal` value. */
export function readPrincipal(input: CandidReader): Uint8Array {
  if (input.byte() !== TRANSPARENT) {
    throw new CandidFormatError('an opaque principal reference');
  }
  return input.sized().slice();
}

/** Reads an `opt` flag: whether a value follows. */
function readOptFlag(input: CandidReader): boolean {
  const flag = input.byte();
  if (flag > 1) {
    throw new CandidFormatError(`an opt flag of ${flag}`);
  }
  return flag === 1;
}

/** Reads a Candid `Listing` value; throws a {@link CandidFormatError} on anything else. */
export function readListing(input: CandidReader): Listing {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const readText = () => decoder.decode(input.sized());
  const fields: Partial<Record<ListingField, unknown>> = {};
  for (const field of LISTING_FIELDS) {
    switch (field) {
      case 'frontend':
      case 'owner':
        fields[field] = readPrincipal(input);
        break;
      case 'name':
      case 'description':
        fields[field] = readText();
        break;
      case 'backends': {
        const backends: Backend[] = [];
        for (let count = input.leb(); count > 0; count--) {
          const backend: { name?: string; id?: Uint8Array } = {};
          for (const backendField of BACKEND_FIELDS) {
            if (backendField === 'name') {
              backend.name = readText();
            } else {
              backend.id = readPrincipal(input);
            }
          }
          backends.push(backend as Backend);
        }
        fields.backends = backends;
        break;
      }
      case 'icon':
        fields.icon = readOptFlag(input) ? readText() : undefined;
        break;
      case 'last_release':
        if (readOptFlag(input)) {
          const values: Partial<Record<(typeof RELEASE_FIELDS)[number], bigint>> = {};
          for (const releaseField of RELEASE_FIELDS) {
            values[releaseField] = input.nat64();
          }
          fields.last_release = {
            id: values.id,
            timeNs: values.time_ns,
            files: values.files,
            bytes: values.bytes,
          };
        }
        break;
      default:
        fields[field] = input.nat64();
    }
  }
  return {
    frontend: fields.frontend as Uint8Array,
    name: fields.name as string,
    description: fields.description as string,
    backends: fields.backends as Backend[],
    owner: fields.owner as Uint8Array,
    ...(fields.icon === undefined ? {} : { icon: fields.icon as string }),
    ...(fields.last_release === undefined ? {} : { lastRelease: fields.last_release as Release }),
    createdAtNs: fields.created_at as bigint,
    updatedAtNs: fields.updated_at as bigint,
    version: fields.version as bigint,
  };
}
