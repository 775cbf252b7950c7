import { DIRECTORY_LIMITS, type DirectoryLimits, PAGE_BYTES_MAX } from './limits.js';
import { isAnonymous, keyOf } from './principal.js';
import {
  ListingRecordError,
  decodeIndexRecord,
  encodeIndexRecord,
  encodeListingRecord,
  storedListing,
} from './records.js';
import { matches, parseSearch, searchTextOf, sortKeyOf } from './search.js';
import type { Table } from './table.js';
import type {
  DirectoryError,
  DirectoryResult,
  DirectoryStats,
  Listing,
  ListingInput,
  ListingPage,
  ListRequest,
  StoredListing,
} from './types.js';
import { checkFrontend, validateListingInput } from './validation.js';

/** The stable tables a {@link ListingStore} writes through to; both keyed by frontend id bytes. */
export interface ListingTables {
  /** frontend → listing record (`records.ts`). */
  readonly listings: Table<Uint8Array, Uint8Array>;
  /** frontend → index record: owner, sort key, search text (`records.ts`). */
  readonly index: Table<Uint8Array, Uint8Array>;
}

export interface ListingStoreOptions {
  /** Limits to enforce instead of some of the defaults. @default DIRECTORY_LIMITS */
  readonly limits?: Partial<DirectoryLimits>;
  /** Most bytes of listings in one page. @default PAGE_BYTES_MAX */
  readonly pageBytesMax?: number;
}

/** The caller of a store method: a principal's bytes. */
export type Caller = Uint8Array;

/** What {@link ListingStore.remove} needs to know of the caller beyond its principal. */
export interface RemoveParams {
  /** Whether the caller controls the directory canister: controllers may remove any listing. */
  readonly isController: boolean;
}

/** A listing as the heap indexes hold it. */
interface Entry {
  readonly key: string;
  readonly frontend: Uint8Array;
  /** The owner's {@link keyOf} key. */
  readonly owner: string;
  readonly searchText: string;
}

const ok = <T>(value: T): DirectoryResult<T> => ({ ok: true, value });
const fail = (error: DirectoryError): DirectoryResult<never> => ({ ok: false, error });

/** How many entries of `entries` (ascending by key) have a key at most `key`. */
function countUpTo(entries: readonly Entry[], key: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle] as Entry).key <= key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** How many entries of `entries` (ascending by key) have a key below `key`. */
function countBelow(entries: readonly Entry[], key: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle] as Entry).key < key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * The directory's listings, with their rules: anyone signed in may list a frontend nobody has
 * listed and becomes its owner; only the owner changes it; the owner or a controller removes
 * it. Each change is written through to the tables; the indexes that reads walk (listings in
 * name order, by frontend, each owner's count) live in the heap and are rebuilt by `load()`.
 * The store checks everything before it writes, and a method that throws leaves the tables
 * unchanged because the canister traps and the replica rolls the message back.
 */
export class ListingStore {
  readonly limits: DirectoryLimits;
  readonly #tables: ListingTables;
  readonly #pageBytesMax: number;
  /** Ascending by key. */
  readonly #sorted: Entry[] = [];
  /** By the frontend's {@link keyOf} key. */
  readonly #byFrontend = new Map<string, Entry>();
  /** Listings per owner key (owners with none are absent). */
  readonly #owned = new Map<string, number>();

  constructor(tables: ListingTables, options: ListingStoreOptions = {}) {
    this.#tables = tables;
    this.limits = Object.freeze({ ...DIRECTORY_LIMITS, ...options.limits });
    this.#pageBytesMax = options.pageBytesMax ?? PAGE_BYTES_MAX;
  }

  /** Rebuilds the heap indexes from the index table (after an install or an upgrade). */
  load(): void {
    this.#sorted.length = 0;
    this.#byFrontend.clear();
    this.#owned.clear();
    for (const [frontend, bytes] of this.#tables.index.entries()) {
      const { key, owner, searchText } = decodeIndexRecord(bytes);
      const entry: Entry = { key, frontend: frontend.slice(), owner: keyOf(owner), searchText };
      this.#byFrontend.set(keyOf(frontend), entry);
      this.#sorted.push(entry);
      this.#owned.set(entry.owner, (this.#owned.get(entry.owner) ?? 0) + 1);
    }
    this.#sorted.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** How many listings there are, and how many owners have any. */
  stats(): DirectoryStats {
    return { listings: this.#sorted.length, owners: this.#owned.size };
  }

  /**
   * Lists `input.frontend` for `caller`, or replaces the listing if `caller` owns it. A new
   * listing is owned by `caller`, at version 1; an update keeps owner and `created_at`, adds
   * 1 to the version and keeps the last release unless the input names one. Checks run in
   * this order: anonymous caller, the frontend id, the owner, the input, the caps.
   */
  upsert(caller: Caller, input: ListingInput, nowNs: bigint): DirectoryResult<StoredListing> {
    if (isAnonymous(caller)) {
      return fail({ code: 'anonymous' });
    }
    const badFrontend = checkFrontend(input.frontend);
    if (badFrontend !== undefined) {
      return fail(badFrontend);
    }
    const existing = this.#byFrontend.get(keyOf(input.frontend));
    if (existing !== undefined && existing.owner !== keyOf(caller)) {
      return fail({ code: 'not_owner', frontend: input.frontend });
    }
    const valid = validateListingInput(input, this.limits);
    if (!valid.ok) {
      return fail(valid.error);
    }
    const { name, description, backends, icon, lastRelease } = valid.value;
    if (existing !== undefined) {
      const current = this.#read(existing).listing;
      const release = lastRelease ?? current.lastRelease;
      return ok(
        this.#write(
          {
            frontend: current.frontend,
            name,
            description,
            backends,
            owner: current.owner,
            ...(icon === undefined ? {} : { icon }),
            ...(release === undefined ? {} : { lastRelease: release }),
            createdAtNs: current.createdAtNs,
            updatedAtNs: nowNs,
            version: current.version + 1n,
          },
          existing,
        ),
      );
    }
    const owned = this.#owned.get(keyOf(caller)) ?? 0;
    if (owned >= this.limits.listingsPerOwner) {
      return fail({
        code: 'quota_exceeded',
        scope: 'owner',
        limit: BigInt(this.limits.listingsPerOwner),
      });
    }
    if (this.#sorted.length >= this.limits.listingsTotal) {
      return fail({
        code: 'quota_exceeded',
        scope: 'directory',
        limit: BigInt(this.limits.listingsTotal),
      });
    }
    return ok(
      this.#write({
        frontend: valid.value.frontend,
        name,
        description,
        backends,
        owner: caller.slice(),
        ...(icon === undefined ? {} : { icon }),
        ...(lastRelease === undefined ? {} : { lastRelease }),
        createdAtNs: nowNs,
        updatedAtNs: nowNs,
        version: 1n,
      }),
    );
  }

  /**
   * Removes the listing of `frontend`, if `caller` owns it or controls the canister
   * (moderation). Anyone may then list the frontend again.
   */
  remove(caller: Caller, frontend: Uint8Array, params: RemoveParams): DirectoryResult<null> {
    if (isAnonymous(caller)) {
      return fail({ code: 'anonymous' });
    }
    const entry = this.#byFrontend.get(keyOf(frontend));
    if (entry === undefined) {
      return fail({ code: 'not_found', frontend });
    }
    if (entry.owner !== keyOf(caller) && !params.isController) {
      return fail({ code: 'not_owner', frontend });
    }
    this.#tables.listings.delete(entry.frontend);
    this.#tables.index.delete(entry.frontend);
    this.#unindex(entry);
    return ok(null);
  }

  /** The listing of `frontend`. */
  get(frontend: Uint8Array): DirectoryResult<StoredListing> {
    const entry = this.#byFrontend.get(keyOf(frontend));
    return entry === undefined ? fail({ code: 'not_found', frontend }) : ok(this.#read(entry));
  }

  /**
   * A page of the listings that match the request, by name (case-insensitive) then frontend
   * id: those after the cursor, of the owner if one is named, containing every word of the
   * search, up to the limit and the byte budget. `nextCursor` is set when more match.
   */
  list(request: ListRequest): DirectoryResult<ListingPage> {
    const words = parseSearch(request.search, this.limits);
    if (!words.ok) {
      return fail(words.error);
    }
    const limit =
      request.limit === undefined
        ? this.limits.pageDefault
        : Math.min(Math.max(Math.trunc(request.limit), 1), this.limits.pageMax);
    const owner = request.owner === undefined ? undefined : keyOf(request.owner);
    const sorted = this.#sorted;
    const listings: StoredListing[] = [];
    let bytes = 0;
    let last: Entry | undefined;
    for (
      let index = request.cursor === undefined ? 0 : countUpTo(sorted, request.cursor);
      index < sorted.length;
      index++
    ) {
      const entry = sorted[index] as Entry;
      if (
        (owner !== undefined && entry.owner !== owner) ||
        !matches(entry.searchText, words.value)
      ) {
        continue;
      }
      if (listings.length === limit) {
        return ok({ listings, nextCursor: (last as Entry).key });
      }
      const listing = this.#read(entry);
      if (listings.length > 0 && bytes + listing.bytes.length > this.#pageBytesMax) {
        return ok({ listings, nextCursor: (last as Entry).key });
      }
      listings.push(listing);
      bytes += listing.bytes.length;
      last = entry;
    }
    return ok({ listings });
  }

  #read(entry: Entry): StoredListing {
    const record = this.#tables.listings.get(entry.frontend);
    if (record === undefined) {
      throw new ListingRecordError(`a listing is indexed but not stored (key ${entry.key})`);
    }
    return storedListing(record);
  }

  /** Writes `listing` through and indexes it in place of `previous`. */
  #write(listing: Listing, previous?: Entry): StoredListing {
    const record = encodeListingRecord(listing);
    const key = sortKeyOf(listing);
    const searchText = searchTextOf(listing);
    this.#tables.listings.set(listing.frontend, record);
    this.#tables.index.set(
      listing.frontend,
      encodeIndexRecord({ key, owner: listing.owner, searchText }),
    );
    if (previous !== undefined) {
      this.#unindex(previous);
    }
    const entry: Entry = {
      key,
      frontend: listing.frontend,
      owner: keyOf(listing.owner),
      searchText,
    };
    this.#byFrontend.set(keyOf(listing.frontend), entry);
    this.#sorted.splice(countBelow(this.#sorted, key), 0, entry);
    this.#owned.set(entry.owner, (this.#owned.get(entry.owner) ?? 0) + 1);
    return storedListing(record, listing);
  }

  #unindex(entry: Entry): void {
    const at = countBelow(this.#sorted, entry.key);
    if (this.#sorted[at] === entry) {
      this.#sorted.splice(at, 1);
    }
    this.#byFrontend.delete(keyOf(entry.frontend));
    const owned = (this.#owned.get(entry.owner) ?? 0) - 1;
    if (owned > 0) {
      this.#owned.set(entry.owner, owned);
    } else {
      this.#owned.delete(entry.owner);
    }
  }
}
