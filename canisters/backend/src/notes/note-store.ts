import { NOTE_LIMITS, type NoteLimits, PAGE_BYTES_MAX } from './limits.js';
import { insertSorted, removeSorted, takePage } from './pagination.js';
import {
  NoteRecordError,
  decodeSummary,
  encodeNoteRecord,
  encodeSummary,
  storedNote,
} from './records.js';
import type { Table } from './table.js';
import type {
  Note,
  NoteError,
  NoteInput,
  NotePage,
  NoteResult,
  PageRequest,
  StoredNote,
  Visibility,
} from './types.js';
import { validateNoteInput } from './validation.js';

/** The stable tables a {@link NoteStore} writes through to. */
export interface NoteTables {
  /** id → note record (`records.ts`). */
  readonly notes: Table<bigint, Uint8Array>;
  /** id → summary: owner and visibility (`records.ts`). */
  readonly summaries: Table<bigint, Uint8Array>;
  /** Counters by name: `next_id`. */
  readonly counters: Table<string, bigint>;
}

export interface NoteStoreOptions {
  /** Limits to enforce instead of some of the defaults. @default NOTE_LIMITS */
  readonly limits?: Partial<NoteLimits>;
  /** Most bytes of notes in one page. @default PAGE_BYTES_MAX */
  readonly pageBytesMax?: number;
}

/** The caller of a store method: a principal's bytes. */
export type Caller = Uint8Array;

/** The anonymous principal (interface spec "Special forms of principals"). */
const ANONYMOUS = 0x04;
const NEXT_ID = 'next_id';

const isAnonymous = (caller: Caller) => caller.length === 1 && caller[0] === ANONYMOUS;
/** A principal's bytes as a string (one character a byte), to key maps by. */
const keyOf = (principal: Uint8Array) => String.fromCharCode(...principal);

const ok = <T>(value: T): NoteResult<T> => ({ ok: true, value });
const fail = (error: NoteError): NoteResult<never> => ({ ok: false, error });

/** Who may see a note, kept in the heap for every note. */
interface Head {
  readonly owner: string;
  readonly visibility: Visibility;
}

/**
 * The notes of every owner, with their rules: only the owner changes a note, a private note
 * is invisible to everyone else (it reads as missing), every change names the version it
 * replaces. Each change is written through to the tables; the indexes that listings walk
 * (public ids, each owner's ids, ascending) live in the heap and are rebuilt by `load()`.
 * A method that throws leaves the tables unchanged only because the canister traps and the
 * replica rolls the message back; the store checks everything before it writes.
 */
export class NoteStore {
  readonly limits: NoteLimits;
  readonly #tables: NoteTables;
  readonly #pageBytesMax: number;
  readonly #heads = new Map<bigint, Head>();
  readonly #publicIds: bigint[] = [];
  readonly #ownedIds = new Map<string, bigint[]>();
  #nextId = 1n;

  constructor(tables: NoteTables, options: NoteStoreOptions = {}) {
    this.#tables = tables;
    this.limits = Object.freeze({ ...NOTE_LIMITS, ...options.limits });
    this.#pageBytesMax = options.pageBytesMax ?? PAGE_BYTES_MAX;
  }

  /** Rebuilds the heap indexes from the tables (after an install or an upgrade). */
  load(): void {
    this.#heads.clear();
    this.#publicIds.length = 0;
    this.#ownedIds.clear();
    let highest = 0n;
    for (const [id, bytes] of this.#tables.summaries.entries()) {
      const { owner, visibility } = decodeSummary(bytes);
      const head = { owner: keyOf(owner), visibility };
      this.#heads.set(id, head);
      this.#owned(head.owner).push(id);
      if (visibility === 'public') {
        this.#publicIds.push(id);
      }
      highest = id > highest ? id : highest;
    }
    const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
    this.#publicIds.sort(ascending);
    for (const ids of this.#ownedIds.values()) {
      ids.sort(ascending);
    }
    const stored = this.#tables.counters.get(NEXT_ID) ?? 1n;
    this.#nextId = stored > highest ? stored : highest + 1n;
  }

  /** How many notes there are. */
  get size(): number {
    return this.#heads.size;
  }

  /** Creates a note owned by `caller`. */
  create(caller: Caller, input: NoteInput, nowNs: bigint): NoteResult<StoredNote> {
    if (isAnonymous(caller)) {
      return fail({ code: 'anonymous' });
    }
    const valid = validateNoteInput(input, this.limits);
    if (!valid.ok) {
      return fail(valid.error);
    }
    if (this.#owned(keyOf(caller)).length >= this.limits.notesPerOwner) {
      return fail({ code: 'quota_exceeded', limit: BigInt(this.limits.notesPerOwner) });
    }
    const id = this.#nextId++;
    this.#tables.counters.set(NEXT_ID, this.#nextId);
    const note: Note = {
      id,
      owner: caller.slice(),
      ...valid.value,
      version: 1n,
      createdAtNs: nowNs,
      updatedAtNs: nowNs,
    };
    return ok(this.#write(note));
  }

  /** Replaces a note's title, body and visibility, if `expectedVersion` is its version. */
  update(
    caller: Caller,
    id: bigint,
    expectedVersion: bigint,
    input: NoteInput,
    nowNs: bigint,
  ): NoteResult<StoredNote> {
    const found = this.#findOwn(caller, id, expectedVersion);
    if (!found.ok) {
      return found;
    }
    const valid = validateNoteInput(input, this.limits);
    if (!valid.ok) {
      return fail(valid.error);
    }
    const current = found.value.meta;
    return ok(
      this.#write({
        ...current,
        ...valid.value,
        version: current.version + 1n,
        updatedAtNs: nowNs,
      }),
    );
  }

  /** Deletes a note, if `expectedVersion` is its version. Its id is never used again. */
  delete(caller: Caller, id: bigint, expectedVersion: bigint): NoteResult<null> {
    const found = this.#findOwn(caller, id, expectedVersion);
    if (!found.ok) {
      return found;
    }
    const head = this.#heads.get(id) as Head;
    this.#tables.notes.delete(id);
    this.#tables.summaries.delete(id);
    this.#heads.delete(id);
    removeSorted(this.#owned(head.owner), id);
    removeSorted(this.#publicIds, id);
    return ok(null);
  }

  /** A note, if `caller` may read it: public, or its own. */
  get(caller: Caller, id: bigint): NoteResult<StoredNote> {
    const head = this.#heads.get(id);
    if (head === undefined || (head.visibility === 'private' && head.owner !== keyOf(caller))) {
      return fail({ code: 'not_found', id });
    }
    return ok(this.#read(id));
  }

  /** Public notes of every owner, newest first. */
  listPublic(request: PageRequest): NotePage {
    return this.#page(this.#publicIds, request);
  }

  /** The caller's notes, public and private, newest first (none for the anonymous caller). */
  listMine(caller: Caller, request: PageRequest): NotePage {
    return this.#page(this.#ownedIds.get(keyOf(caller)) ?? [], request);
  }

  /**
   * The caller's note `id` at `expectedVersion`. Someone else's note is `not_owner` when
   * public and `not_found` when private, so that a private note's existence never shows.
   */
  #findOwn(caller: Caller, id: bigint, expectedVersion: bigint): NoteResult<StoredNote> {
    if (isAnonymous(caller)) {
      return fail({ code: 'anonymous' });
    }
    const head = this.#heads.get(id);
    if (head === undefined) {
      return fail({ code: 'not_found', id });
    }
    if (head.owner !== keyOf(caller)) {
      return fail(
        head.visibility === 'private' ? { code: 'not_found', id } : { code: 'not_owner', id },
      );
    }
    const current = this.#read(id);
    if (current.meta.version !== expectedVersion) {
      return fail({ code: 'version_conflict', current });
    }
    return ok(current);
  }

  #page(ids: readonly bigint[], request: PageRequest): NotePage {
    const { items, nextCursor } = takePage({
      ids,
      request,
      limits: this.limits,
      maxBytes: this.#pageBytesMax,
      read: (id) => this.#read(id),
      sizeOf: (note) => note.bytes.length,
    });
    return nextCursor === undefined ? { notes: items } : { notes: items, nextCursor };
  }

  #read(id: bigint): StoredNote {
    const record = this.#tables.notes.get(id);
    if (record === undefined) {
      throw new NoteRecordError(`note ${id} is indexed but not stored`);
    }
    return storedNote(id, record);
  }

  /** Writes `note` through and indexes it. */
  #write(note: Note): StoredNote {
    const record = encodeNoteRecord(note);
    const head: Head = { owner: keyOf(note.owner), visibility: note.visibility };
    this.#tables.notes.set(note.id, record);
    this.#tables.summaries.set(note.id, encodeSummary(note));
    this.#heads.set(note.id, head);
    insertSorted(this.#owned(head.owner), note.id);
    if (note.visibility === 'public') {
      insertSorted(this.#publicIds, note.id);
    } else {
      removeSorted(this.#publicIds, note.id);
    }
    return storedNote(note.id, record, note);
  }

  /** The ascending ids `owner` (a key) owns, created empty if need be. */
  #owned(owner: string): bigint[] {
    let ids = this.#ownedIds.get(owner);
    if (ids === undefined) {
      ids = [];
      this.#ownedIds.set(owner, ids);
    }
    return ids;
  }
}
