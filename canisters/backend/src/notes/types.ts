/** Who may read a note besides its owner: everyone (`public`) or no one (`private`). */
export type Visibility = 'public' | 'private';

/** What a caller writes: a new note, or the new content of one. */
export interface NoteInput {
  readonly title: string;
  readonly body: string;
  readonly visibility: Visibility;
}

/** A stored note. */
export interface Note {
  /** From 1, increasing, never reused. */
  readonly id: bigint;
  /** The principal that created it, as bytes. */
  readonly owner: Uint8Array;
  /** Trimmed. */
  readonly title: string;
  readonly body: string;
  readonly visibility: Visibility;
  /** 1 on create, +1 on every update. */
  readonly version: bigint;
  readonly createdAtNs: bigint;
  readonly updatedAtNs: bigint;
}

/** A note without its title and body. */
export type NoteMeta = Omit<Note, 'title' | 'body'>;

/**
 * A note as the store hands it out: `bytes` is its Candid value (what a reply carries);
 * `meta` and `note` are decoded from them only when read (`meta` without decoding any text).
 */
export interface StoredNote {
  readonly id: bigint;
  readonly bytes: Uint8Array;
  readonly meta: NoteMeta;
  readonly note: Note;
}

/** Why a call failed; the codes are the `NoteError` tags of the Candid interface. */
export type NoteError =
  | { readonly code: 'anonymous' }
  | { readonly code: 'not_found'; readonly id: bigint }
  | { readonly code: 'not_owner'; readonly id: bigint }
  | { readonly code: 'version_conflict'; readonly current: StoredNote }
  | { readonly code: 'invalid'; readonly field: string; readonly message: string }
  | { readonly code: 'quota_exceeded'; readonly limit: bigint };

/** The error codes, as the Candid interface spells them. */
export type NoteErrorCode = NoteError['code'];

/** The outcome of a store call. */
export type NoteResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: NoteError };

/** Which page of a listing to return. */
export interface PageRequest {
  /** Only notes with an id below this one (the previous page's `nextCursor`). */
  readonly cursor?: bigint;
  /** How many notes at most; clamped to 1..`pageMax`. @default NoteLimits.pageDefault */
  readonly limit?: number;
}

/** One page of a listing, newest first. */
export interface NotePage {
  readonly notes: readonly StoredNote[];
  /** The id of the last note returned, when older notes remain. */
  readonly nextCursor?: bigint;
}
