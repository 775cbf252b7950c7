import { describe, expect, it } from 'vitest';
import {
  ALICE,
  ANONYMOUS,
  BOB,
  NOW_NS,
  canisterId,
  makeInput,
  makeRelease,
} from '../../testing/listings.js';
import { ListingStore, type ListingStoreOptions, type ListingTables } from './listing-store.js';
import { keyOf, principalText } from './principal.js';
import type { Table } from './table.js';
import type {
  DirectoryError,
  DirectoryResult,
  ListRequest,
  ListingPage,
  StoredListing,
} from './types.js';

/** A table in a Map, keyed by the bytes as a string, as a StableBTreeMap keys by bytes. */
function makeTable(): Table<Uint8Array, Uint8Array> & { readonly map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return {
    map,
    get: (key) => map.get(keyOf(key)),
    set: (key, value) => map.set(keyOf(key), value),
    delete: (key) => map.delete(keyOf(key)),
    *entries() {
      for (const [key, value] of map) {
        yield [Uint8Array.from(key, (c) => c.charCodeAt(0)), value];
      }
    },
  };
}

function makeTables() {
  return { listings: makeTable(), index: makeTable() } satisfies ListingTables;
}

function makeStore(options: ListingStoreOptions = {}, tables = makeTables()) {
  const store = new ListingStore(tables, options);
  store.load();
  return { store, tables };
}

/** The value of a result, failing the test on an error. */
function value<T>(result: DirectoryResult<T>): T {
  if (!result.ok) {
    throw new Error(`expected ok, got ${result.error.code}`);
  }
  return result.value;
}

/** The error of a result, failing the test on success. */
function error<T>(result: DirectoryResult<T>): DirectoryError {
  if (result.ok) {
    throw new Error('expected an error');
  }
  return result.error;
}

/** Snapshot of the tables, to show that a failed call wrote nothing. */
const contents = (tables: ReturnType<typeof makeTables>) =>
  JSON.stringify([...tables.listings.map, ...tables.index.map].map(([k, v]) => [k, [...v]]));

const namesOf = (page: ListingPage) => page.listings.map((stored) => stored.listing.name);

/** Every page of a listing, following the cursor. */
function allPages(store: ListingStore, request: ListRequest = {}): ListingPage[] {
  const pages = [value(store.list(request))];
  for (let next = pages[0]?.nextCursor; next !== undefined;) {
    const page = value(store.list({ ...request, cursor: next }));
    pages.push(page);
    next = page.nextCursor;
  }
  return pages;
}

describe('ListingStore: upsert', () => {
  it('lists a frontend for the caller at version 1 with its stamps', () => {
    const { store } = makeStore();
    const { listing } = value(store.upsert(ALICE, makeInput({ name: ' Notes ' }), NOW_NS));
    expect(listing).toEqual({
      ...makeInput({ name: 'Notes' }),
      owner: ALICE,
      createdAtNs: NOW_NS,
      updatedAtNs: NOW_NS,
      version: 1n,
    });
    expect(value(store.get(canisterId(1))).listing).toEqual(listing);
    expect(store.stats()).toEqual({ listings: 1, owners: 1 });
  });

  it('updates its own listing: version +1, new stamp, owner and created_at kept', () => {
    const { store } = makeStore();
    value(store.upsert(ALICE, makeInput({ lastRelease: makeRelease() }), NOW_NS));
    const noIcon = { ...makeInput({ name: 'Notes 2', backends: [] }), icon: undefined };
    const { listing } = value(store.upsert(ALICE, noIcon, NOW_NS + 5n));
    expect(listing).toMatchObject({
      name: 'Notes 2',
      backends: [],
      owner: ALICE,
      createdAtNs: NOW_NS,
      updatedAtNs: NOW_NS + 5n,
      version: 2n,
    });
    // No icon in the input clears it; no release keeps the last one; a new one replaces it.
    expect(listing.icon).toBeUndefined();
    expect(listing.lastRelease).toEqual(makeRelease());
    const next = makeRelease({ id: 8n });
    expect(
      value(store.upsert(ALICE, makeInput({ lastRelease: next }), NOW_NS)).listing,
    ).toMatchObject({ version: 3n, lastRelease: next });
    expect(store.stats()).toEqual({ listings: 1, owners: 1 });
  });

  it('refuses the anonymous caller and stores nothing', () => {
    const { store, tables } = makeStore();
    expect(error(store.upsert(ANONYMOUS, makeInput(), NOW_NS))).toEqual({ code: 'anonymous' });
    expect(contents(tables)).toBe(contents(makeTables()));
  });

  it("answers not_owner to an upsert of someone else's listing, and changes nothing", () => {
    const { store, tables } = makeStore();
    value(store.upsert(ALICE, makeInput(), NOW_NS));
    const before = contents(tables);
    expect(error(store.upsert(BOB, makeInput({ name: 'mine now' }), NOW_NS))).toEqual({
      code: 'not_owner',
      frontend: canisterId(1),
    });
    expect(contents(tables)).toBe(before);
  });

  it('checks the owner before the input: a stranger hears not_owner first', () => {
    const { store } = makeStore();
    value(store.upsert(ALICE, makeInput(), NOW_NS));
    expect(error(store.upsert(BOB, makeInput({ name: '' }), NOW_NS)).code).toBe('not_owner');
    expect(error(store.upsert(ALICE, makeInput({ name: '' }), NOW_NS)).code).toBe('invalid');
    expect(error(store.upsert(BOB, makeInput({ frontend: BOB }), NOW_NS))).toMatchObject({
      code: 'invalid',
      field: 'frontend',
    });
  });

  it('refuses invalid input with the field and stores nothing', () => {
    const { store, tables } = makeStore();
    expect(
      error(store.upsert(ALICE, makeInput({ icon: 'http://x.example/i.png' }), NOW_NS)),
    ).toMatchObject({
      code: 'invalid',
      field: 'icon',
    });
    expect(contents(tables)).toBe(contents(makeTables()));
  });
});

describe('ListingStore: caps', () => {
  it('caps listings per owner; updates still pass at the cap; a removal frees a place', () => {
    const { store } = makeStore({ limits: { listingsPerOwner: 2 } });
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(1) }), NOW_NS));
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(2) }), NOW_NS));
    expect(error(store.upsert(ALICE, makeInput({ frontend: canisterId(3) }), NOW_NS))).toEqual({
      code: 'quota_exceeded',
      scope: 'owner',
      limit: 2n,
    });
    expect(
      value(store.upsert(ALICE, makeInput({ frontend: canisterId(2) }), NOW_NS)).listing.version,
    ).toBe(2n);
    value(store.upsert(BOB, makeInput({ frontend: canisterId(3) }), NOW_NS));
    value(store.remove(ALICE, canisterId(1), { isController: false }));
    expect(
      value(store.upsert(ALICE, makeInput({ frontend: canisterId(4) }), NOW_NS)).listing.owner,
    ).toEqual(ALICE);
  });

  it('caps the directory as a whole, after the owner cap', () => {
    const { store } = makeStore({ limits: { listingsTotal: 2, listingsPerOwner: 1 } });
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(1) }), NOW_NS));
    value(store.upsert(BOB, makeInput({ frontend: canisterId(2) }), NOW_NS));
    expect(
      error(store.upsert(ALICE, makeInput({ frontend: canisterId(3) }), NOW_NS)),
    ).toMatchObject({
      scope: 'owner',
    });
    const carol = Uint8Array.of(9, 9, 2);
    expect(error(store.upsert(carol, makeInput({ frontend: canisterId(3) }), NOW_NS))).toEqual({
      code: 'quota_exceeded',
      scope: 'directory',
      limit: 2n,
    });
    expect(store.stats()).toEqual({ listings: 2, owners: 2 });
  });
});

describe('ListingStore: remove', () => {
  it('removes its own listing; anyone may then list the frontend again', () => {
    const { store, tables } = makeStore();
    value(store.upsert(ALICE, makeInput(), NOW_NS));
    expect(value(store.remove(ALICE, canisterId(1), { isController: false }))).toBeNull();
    expect(error(store.get(canisterId(1)))).toEqual({ code: 'not_found', frontend: canisterId(1) });
    expect(contents(tables)).toBe(contents(makeTables()));
    expect(store.stats()).toEqual({ listings: 0, owners: 0 });
    expect(value(store.upsert(BOB, makeInput(), NOW_NS)).listing).toMatchObject({
      owner: BOB,
      version: 1n,
    });
  });

  it('refuses the anonymous caller, a stranger, and a missing listing', () => {
    const { store, tables } = makeStore();
    value(store.upsert(ALICE, makeInput(), NOW_NS));
    const before = contents(tables);
    expect(error(store.remove(ANONYMOUS, canisterId(1), { isController: false }))).toEqual({
      code: 'anonymous',
    });
    expect(error(store.remove(BOB, canisterId(1), { isController: false }))).toEqual({
      code: 'not_owner',
      frontend: canisterId(1),
    });
    expect(error(store.remove(ALICE, canisterId(9), { isController: false }))).toEqual({
      code: 'not_found',
      frontend: canisterId(9),
    });
    expect(contents(tables)).toBe(before);
  });

  it('lets a controller remove any listing (moderation)', () => {
    const { store } = makeStore();
    value(store.upsert(ALICE, makeInput(), NOW_NS));
    expect(value(store.remove(BOB, canisterId(1), { isController: true }))).toBeNull();
    expect(store.stats()).toEqual({ listings: 0, owners: 0 });
  });
});

describe('ListingStore: list', () => {
  /** A store with listings named `names`, for frontends 1, 2, … in that order. */
  function storeWith(names: readonly string[], options: ListingStoreOptions = {}) {
    const made = makeStore(options);
    names.forEach((name, i) =>
      value(
        made.store.upsert(
          i % 2 ? BOB : ALICE,
          makeInput({ frontend: canisterId(i + 1), name, description: `app number ${i}` }),
          NOW_NS,
        ),
      ),
    );
    return made;
  }

  it('lists by name, case-insensitively, 20 to a page by default, up to 100', () => {
    const names = Array.from(
      { length: 130 },
      (_, i) => `${i % 2 ? 'app' : 'App'} ${String(i).padStart(3, '0')}`,
    );
    const { store } = storeWith([...names].reverse());
    const first = value(store.list({}));
    expect(namesOf(first)).toEqual(names.slice(0, 20));
    expect(value(store.list({ limit: 1_000 })).listings).toHaveLength(100);
    expect(value(store.list({ limit: 0 })).listings).toHaveLength(1);
    const pages = allPages(store, { limit: 50 });
    expect(pages.map((page) => page.listings.length)).toEqual([50, 50, 30]);
    expect(pages.flatMap(namesOf)).toEqual(names);
    expect(pages[2]?.nextCursor).toBeUndefined();
  });

  it('breaks ties between equal names by frontend id, across pages', () => {
    const { store } = storeWith(['Same', 'same', 'SAME', 'Other']);
    const pages = allPages(store, { limit: 1 });
    const frontends = pages.flatMap((page) => page.listings.map((s) => keyOf(s.listing.frontend)));
    expect(pages).toHaveLength(4);
    expect(namesOf(pages[0] as ListingPage)).toEqual(['Other']);
    expect(new Set(frontends).size).toBe(4);
  });

  it('pages through a search, without repeats, with a cursor only when more match', () => {
    const names = Array.from(
      { length: 60 },
      (_, i) => `${i % 3 ? 'Chess' : 'Notes'} ${String(i).padStart(2, '0')}`,
    );
    const { store } = storeWith(names);
    const notes = names.filter((name) => name.startsWith('Notes'));
    const pages = allPages(store, { search: 'NOTES', limit: 7 });
    expect(pages.map((page) => page.listings.length)).toEqual([7, 7, 6]);
    expect(pages.flatMap(namesOf)).toEqual(notes);
    // Exactly a page of matches: no cursor to an empty page.
    expect(value(store.list({ search: 'notes', limit: 20 })).nextCursor).toBeUndefined();
    expect(namesOf(value(store.list({ search: 'chess 1', limit: 100 })))).toEqual(
      names.filter((name) => name.startsWith('Chess') && name.includes('1')),
    );
    expect(value(store.list({ search: 'number 59' })).listings).toHaveLength(1);
    expect(value(store.list({ search: 'nothing' }))).toEqual({ listings: [] });
  });

  it('finds a listing by its frontend or backend id as text', () => {
    const { store } = storeWith(['One', 'Two']);
    const two = principalText(canisterId(2));
    // Two's frontend is canister 2, which One names as its backend (the fixture's default).
    expect(namesOf(value(store.list({ search: two })))).toEqual(['One', 'Two']);
    value(
      store.upsert(
        ALICE,
        makeInput({ frontend: canisterId(1), name: 'One', backends: [] }),
        NOW_NS,
      ),
    );
    expect(namesOf(value(store.list({ search: two.toUpperCase() })))).toEqual(['Two']);
  });

  it('filters by owner, and refuses a search that is too long', () => {
    const { store } = storeWith(['a', 'b', 'c', 'd']);
    expect(namesOf(value(store.list({ owner: BOB })))).toEqual(['b', 'd']);
    expect(value(store.list({ owner: ANONYMOUS })).listings).toEqual([]);
    expect(error(store.list({ search: 'x'.repeat(201) }))).toMatchObject({
      code: 'invalid',
      field: 'search',
    });
  });

  it('keeps a cursor valid when the listing it names is renamed or removed', () => {
    const { store } = storeWith(['a', 'b', 'c', 'd']);
    const first = value(store.list({ limit: 2 }));
    expect(namesOf(first)).toEqual(['a', 'b']);
    value(store.remove(BOB, canisterId(2), { isController: false }));
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(1), name: 'z' }), NOW_NS));
    expect(namesOf(value(store.list({ cursor: first.nextCursor as string })))).toEqual([
      'c',
      'd',
      'z',
    ]);
    expect(value(store.list({ cursor: '\uffff' })).listings).toEqual([]);
  });

  it('ends a page early at the byte budget, with a cursor', () => {
    const { store } = storeWith(['a', 'b', 'c'], { pageBytesMax: 1 });
    const pages = allPages(store, { limit: 100 });
    expect(pages.map(namesOf)).toEqual([['a'], ['b'], ['c']]);
  });
});

describe('ListingStore: load', () => {
  it('rebuilds order, owners and counts from the tables alone', () => {
    const { store, tables } = makeStore();
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(1), name: 'b' }), NOW_NS));
    value(store.upsert(BOB, makeInput({ frontend: canisterId(2), name: 'a' }), NOW_NS));
    value(store.upsert(ALICE, makeInput({ frontend: canisterId(3), name: 'c' }), NOW_NS));
    value(store.remove(ALICE, canisterId(3), { isController: false }));
    const reloaded = makeStore({ limits: { listingsPerOwner: 1 } }, tables).store;
    expect(namesOf(value(reloaded.list({})))).toEqual(['a', 'b']);
    expect(reloaded.stats()).toEqual({ listings: 2, owners: 2 });
    expect(
      value(reloaded.upsert(BOB, makeInput({ frontend: canisterId(2) }), NOW_NS)).listing.version,
    ).toBe(2n);
    expect(error(reloaded.upsert(ALICE, makeInput({ frontend: canisterId(4) }), NOW_NS)).code).toBe(
      'quota_exceeded',
    );
    const stored: StoredListing = value(reloaded.get(canisterId(2)));
    expect(stored.listing).toEqual(value(store.get(canisterId(2))).listing);
  });
});
