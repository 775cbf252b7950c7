import { describe, expect, it } from 'vitest';
import { ALICE, ANONYMOUS, BOB, NOW_NS, makeInput } from '../../testing/notes.js';
import { NoteStore, type NoteStoreOptions, type NoteTables } from './note-store.js';
import type { NoteError, NotePage, NoteResult, StoredNote } from './types.js';

/** Tables in Maps, as the canister's StableBTreeMaps would hold them. */
function makeTables(): NoteTables {
  return { notes: new Map(), summaries: new Map(), counters: new Map() };
}

function makeStore(options: NoteStoreOptions = {}, tables = makeTables()) {
  const store = new NoteStore(tables, options);
  store.load();
  return { store, tables };
}

/** The value of a result, failing the test on an error. */
function value<T>(result: NoteResult<T>): T {
  if (!result.ok) {
    throw new Error(`expected ok, got ${result.error.code}`);
  }
  return result.value;
}

/** The error of a result, failing the test on success. */
function error<T>(result: NoteResult<T>): NoteError {
  if (result.ok) {
    throw new Error('expected an error');
  }
  return result.error;
}

const idsOf = (page: NotePage) => page.notes.map((note) => note.id);
/** Snapshot of the tables, to show that a failed call wrote nothing. */
const contents = (tables: NoteTables) =>
  JSON.stringify(
    [...tables.notes.entries(), ...tables.summaries.entries(), ...tables.counters.entries()],
    (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
  );

describe('NoteStore: create and read', () => {
  it('creates a note owned by the caller at version 1 with ids from 1 up', () => {
    const { store } = makeStore();
    const first = value(store.create(ALICE, makeInput({ title: ' Hello ' }), NOW_NS));
    expect(first.note).toEqual({
      id: 1n,
      owner: ALICE,
      title: 'Hello',
      body: 'milk\neggs',
      visibility: 'public',
      version: 1n,
      createdAtNs: NOW_NS,
      updatedAtNs: NOW_NS,
    });
    expect(value(store.create(BOB, makeInput(), NOW_NS + 1n)).id).toBe(2n);
    expect(value(store.get(BOB, 1n)).note).toEqual(first.note);
  });

  it('refuses writes by the anonymous principal and stores nothing', () => {
    const { store, tables } = makeStore();
    const before = contents(tables);
    expect(error(store.create(ANONYMOUS, makeInput(), NOW_NS))).toEqual({ code: 'anonymous' });
    expect(error(store.update(ANONYMOUS, 1n, 1n, makeInput(), NOW_NS))).toEqual({
      code: 'anonymous',
    });
    expect(error(store.delete(ANONYMOUS, 1n, 1n))).toEqual({ code: 'anonymous' });
    expect(contents(tables)).toBe(before);
  });

  it('refuses invalid input with the field and a message, and stores nothing', () => {
    const { store, tables } = makeStore();
    const before = contents(tables);
    expect(error(store.create(ALICE, makeInput({ title: '  ' }), NOW_NS))).toMatchObject({
      code: 'invalid',
      field: 'title',
    });
    expect(contents(tables)).toBe(before);
  });

  it('lets anyone, the anonymous caller too, read a public note', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    expect(value(store.get(ANONYMOUS, 1n)).note.title).toBe('Groceries');
    expect(value(store.get(BOB, 1n)).id).toBe(1n);
  });

  it('answers not_found for a missing note', () => {
    const { store } = makeStore();
    expect(error(store.get(ALICE, 7n))).toEqual({ code: 'not_found', id: 7n });
  });
});

describe('NoteStore: private notes', () => {
  it('shows a private note to its owner only; others get not_found, as for a missing one', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput({ visibility: 'private' }), NOW_NS));
    expect(value(store.get(ALICE, 1n)).note.visibility).toBe('private');
    expect(error(store.get(BOB, 1n))).toEqual({ code: 'not_found', id: 1n });
    expect(error(store.get(ANONYMOUS, 1n))).toEqual({ code: 'not_found', id: 1n });
  });

  it('keeps private notes out of the public listing but in the owner listing', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput({ visibility: 'private' }), NOW_NS));
    value(store.create(ALICE, makeInput(), NOW_NS));
    expect(idsOf(store.listPublic({}))).toEqual([2n]);
    expect(idsOf(store.listMine(ALICE, {}))).toEqual([2n, 1n]);
    expect(idsOf(store.listMine(BOB, {}))).toEqual([]);
    expect(idsOf(store.listMine(ANONYMOUS, {}))).toEqual([]);
  });

  it('moves a note in and out of the public listing when its visibility changes', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    value(store.update(ALICE, 1n, 1n, makeInput({ visibility: 'private' }), NOW_NS));
    expect(idsOf(store.listPublic({}))).toEqual([]);
    expect(error(store.get(BOB, 1n)).code).toBe('not_found');
    value(store.update(ALICE, 1n, 2n, makeInput({ visibility: 'public' }), NOW_NS));
    expect(idsOf(store.listPublic({}))).toEqual([1n]);
  });
});

describe('NoteStore: ownership', () => {
  it("answers not_owner for a change to someone else's public note, and changes nothing", () => {
    const { store, tables } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    const before = contents(tables);
    expect(error(store.update(BOB, 1n, 1n, makeInput({ title: 'mine' }), NOW_NS))).toEqual({
      code: 'not_owner',
      id: 1n,
    });
    expect(error(store.delete(BOB, 1n, 1n))).toEqual({ code: 'not_owner', id: 1n });
    expect(contents(tables)).toBe(before);
  });

  it("answers not_found for a change to someone else's private note, as for a missing one", () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput({ visibility: 'private' }), NOW_NS));
    expect(error(store.update(BOB, 1n, 1n, makeInput(), NOW_NS))).toEqual({
      code: 'not_found',
      id: 1n,
    });
    expect(error(store.update(BOB, 99n, 1n, makeInput(), NOW_NS))).toEqual({
      code: 'not_found',
      id: 99n,
    });
    expect(error(store.delete(BOB, 1n, 1n))).toEqual({ code: 'not_found', id: 1n });
    expect(error(store.delete(BOB, 99n, 1n))).toEqual({ code: 'not_found', id: 99n });
  });

  it('checks ownership before the version: a stranger never learns the version', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    expect(error(store.update(BOB, 1n, 5n, makeInput(), NOW_NS)).code).toBe('not_owner');
  });
});

describe('NoteStore: versions', () => {
  it('bumps the version and updated_at on each update, keeping id, owner and created_at', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    const second = value(store.update(ALICE, 1n, 1n, makeInput({ title: 'v2' }), NOW_NS + 5n));
    const third = value(store.update(ALICE, 1n, 2n, makeInput({ body: 'v3' }), NOW_NS + 9n));
    expect(second.note).toMatchObject({ version: 2n, title: 'v2', updatedAtNs: NOW_NS + 5n });
    expect(third.note).toMatchObject({
      id: 1n,
      owner: ALICE,
      version: 3n,
      title: 'Groceries',
      body: 'v3',
      createdAtNs: NOW_NS,
      updatedAtNs: NOW_NS + 9n,
    });
    expect(value(store.get(BOB, 1n)).note).toEqual(third.note);
  });

  it('answers version_conflict with the current note to a stale tab, and changes nothing', () => {
    const { store, tables } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    // Two tabs loaded version 1; the first saves, the second saves on top of it.
    value(store.update(ALICE, 1n, 1n, makeInput({ title: 'tab A' }), NOW_NS + 1n));
    const before = contents(tables);
    const conflict = error(store.update(ALICE, 1n, 1n, makeInput({ title: 'tab B' }), NOW_NS));
    expect(conflict.code).toBe('version_conflict');
    expect((conflict as { current: StoredNote }).current.note).toMatchObject({
      version: 2n,
      title: 'tab A',
    });
    expect(contents(tables)).toBe(before);
    // Having seen version 2, tab B can save.
    expect(
      value(store.update(ALICE, 1n, 2n, makeInput({ title: 'tab B' }), NOW_NS)).note.version,
    ).toBe(3n);
  });

  it('answers version_conflict to a delete naming a stale or future version', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    value(store.update(ALICE, 1n, 1n, makeInput(), NOW_NS));
    expect(error(store.delete(ALICE, 1n, 1n)).code).toBe('version_conflict');
    expect(error(store.delete(ALICE, 1n, 3n)).code).toBe('version_conflict');
    expect(value(store.delete(ALICE, 1n, 2n))).toBeNull();
    expect(error(store.get(ALICE, 1n)).code).toBe('not_found');
  });

  it('checks the version before the input: a stale tab hears of the conflict first', () => {
    const { store } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    expect(error(store.update(ALICE, 1n, 9n, makeInput({ title: '' }), NOW_NS)).code).toBe(
      'version_conflict',
    );
    expect(error(store.update(ALICE, 1n, 1n, makeInput({ title: '' }), NOW_NS)).code).toBe(
      'invalid',
    );
  });
});

describe('NoteStore: delete and ids', () => {
  it('never reuses an id, not even the highest one deleted, nor after a reload', () => {
    const { store, tables } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    value(store.create(ALICE, makeInput(), NOW_NS));
    value(store.delete(ALICE, 2n, 1n));
    expect(value(store.create(ALICE, makeInput(), NOW_NS)).id).toBe(3n);
    value(store.delete(ALICE, 3n, 1n));
    const reloaded = makeStore({}, tables).store;
    expect(value(reloaded.create(ALICE, makeInput(), NOW_NS)).id).toBe(4n);
  });

  it('removes a deleted note from both listings and from the tables', () => {
    const { store, tables } = makeStore();
    value(store.create(ALICE, makeInput(), NOW_NS));
    value(store.delete(ALICE, 1n, 1n));
    expect(idsOf(store.listPublic({}))).toEqual([]);
    expect(idsOf(store.listMine(ALICE, {}))).toEqual([]);
    expect([tables.notes.get(1n), tables.summaries.get(1n)]).toEqual([undefined, undefined]);
    expect(store.size).toBe(0);
  });
});

describe('NoteStore: quota', () => {
  it('refuses the 501st note of an owner with quota_exceeded, and frees a slot on delete', () => {
    const { store } = makeStore();
    for (let i = 0; i < 500; i++) {
      value(store.create(ALICE, makeInput({ title: `n${i}` }), NOW_NS));
    }
    expect(error(store.create(ALICE, makeInput(), NOW_NS))).toEqual({
      code: 'quota_exceeded',
      limit: 500n,
    });
    expect(value(store.create(BOB, makeInput(), NOW_NS)).id).toBe(501n);
    value(store.delete(ALICE, 7n, 1n));
    expect(value(store.create(ALICE, makeInput(), NOW_NS)).id).toBe(502n);
  });

  it('applies the quota it is given', () => {
    const { store } = makeStore({ limits: { notesPerOwner: 1 } });
    value(store.create(ALICE, makeInput(), NOW_NS));
    expect(error(store.create(ALICE, makeInput(), NOW_NS))).toEqual({
      code: 'quota_exceeded',
      limit: 1n,
    });
  });
});

describe('NoteStore: listings', () => {
  it('pages through every public note of every owner, newest first, without repeats', () => {
    const { store } = makeStore();
    for (let i = 0; i < 45; i++) {
      const owner = i % 2 === 0 ? ALICE : BOB;
      const visibility = i % 5 === 0 ? 'private' : 'public';
      value(store.create(owner, makeInput({ visibility }), NOW_NS));
    }
    const seen: bigint[] = [];
    let page = store.listPublic({ limit: 10 });
    seen.push(...idsOf(page));
    while (page.nextCursor !== undefined) {
      page = store.listPublic({ cursor: page.nextCursor, limit: 10 });
      seen.push(...idsOf(page));
    }
    const expected = Array.from({ length: 45 }, (_, i) => BigInt(45 - i)).filter(
      (id) => (id - 1n) % 5n !== 0n,
    );
    expect(seen).toEqual(expected);
  });

  it('lists only the caller’s notes in list_mine, paged with the default size', () => {
    const { store } = makeStore();
    for (let i = 0; i < 30; i++) {
      value(store.create(i < 25 ? ALICE : BOB, makeInput({ visibility: 'private' }), NOW_NS));
    }
    const first = store.listMine(ALICE, {});
    expect(first.notes).toHaveLength(20);
    expect(first.nextCursor).toBe(6n);
    const second = store.listMine(ALICE, { cursor: first.nextCursor });
    expect(idsOf(second)).toEqual([5n, 4n, 3n, 2n, 1n]);
    expect(second.nextCursor).toBeUndefined();
    expect(idsOf(store.listMine(BOB, {}))).toEqual([30n, 29n, 28n, 27n, 26n]);
  });

  it('clamps the page size: 0 gives one note, more than page_max gives page_max', () => {
    const { store } = makeStore();
    for (let i = 0; i < 120; i++) {
      value(store.create(i < 60 ? ALICE : BOB, makeInput(), NOW_NS));
    }
    expect(store.listPublic({ limit: 0 }).notes).toHaveLength(1);
    expect(store.listPublic({ limit: 1_000 }).notes).toHaveLength(100);
  });

  it('ends a page early at its byte budget and carries on from the cursor', () => {
    const { store } = makeStore({ pageBytesMax: 25_000 });
    for (let i = 0; i < 5; i++) {
      value(store.create(ALICE, makeInput({ body: 'x'.repeat(10_000) }), NOW_NS));
    }
    const first = store.listPublic({ limit: 100 });
    expect(idsOf(first)).toEqual([5n, 4n]);
    expect(idsOf(store.listPublic({ cursor: first.nextCursor, limit: 100 }))).toEqual([3n, 2n]);
  });
});

describe('NoteStore: load', () => {
  it('rebuilds the same listings and rules from the tables alone', () => {
    const { store, tables } = makeStore();
    for (let i = 0; i < 12; i++) {
      const visibility = i % 3 === 0 ? 'private' : 'public';
      value(store.create(i % 2 ? ALICE : BOB, makeInput({ visibility }), NOW_NS));
    }
    value(store.delete(ALICE, 2n, 1n));
    value(store.update(BOB, 3n, 1n, makeInput({ visibility: 'private' }), NOW_NS));
    const reloaded = makeStore({}, tables).store;
    for (const request of [{}, { limit: 3 }, { cursor: 8n, limit: 2 }]) {
      expect(idsOf(reloaded.listPublic(request))).toEqual(idsOf(store.listPublic(request)));
      expect(idsOf(reloaded.listMine(ALICE, request))).toEqual(
        idsOf(store.listMine(ALICE, request)),
      );
      expect(idsOf(reloaded.listMine(BOB, request))).toEqual(idsOf(store.listMine(BOB, request)));
    }
    expect(error(reloaded.get(ALICE, 3n)).code).toBe('not_found');
    expect(error(reloaded.update(ALICE, 1n, 1n, makeInput(), NOW_NS)).code).toBe('not_found');
    expect(error(reloaded.update(ALICE, 5n, 1n, makeInput(), NOW_NS)).code).toBe('not_owner');
    expect(reloaded.size).toBe(11);
  });

  it('rebuilds from tables whose entries come in any order', () => {
    const { store, tables } = makeStore();
    for (let i = 0; i < 6; i++) {
      value(store.create(ALICE, makeInput(), NOW_NS));
    }
    const shuffled: NoteTables = {
      ...tables,
      summaries: new Map([...tables.summaries.entries()].reverse()),
    };
    expect(idsOf(makeStore({}, shuffled).store.listMine(ALICE, {}))).toEqual([
      6n,
      5n,
      4n,
      3n,
      2n,
      1n,
    ]);
  });
});
