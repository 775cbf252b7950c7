/** The app's own shape of a note, and the mapping to and from the canister's. */
import type { WireLimits, WireNote, WireNoteInput } from './backend-types';
import { nsToDate } from './time';

/** Who may read a note: everyone, or its owner alone. */
export type Visibility = 'public' | 'private';

/** A note as the UI uses it. */
export interface Note {
  readonly id: bigint;
  /** The owner's principal, as text. */
  readonly owner: string;
  readonly title: string;
  readonly body: string;
  readonly visibility: Visibility;
  /** 1 on create, +1 on every update; sent back as `expected_version` to update or delete. */
  readonly version: bigint;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the user writes: a new note, or the new content of one. */
export interface NoteDraft {
  readonly title: string;
  readonly body: string;
  readonly visibility: Visibility;
}

/** The canister's limits, in characters and notes. */
export interface NoteLimits {
  readonly titleChars: number;
  readonly bodyChars: number;
  readonly notesPerOwner: number;
}

/** Which list of notes: everyone's public ones, or the caller's own. */
export type Feed = 'public' | 'mine';

/** The UI's note from the canister's. */
export function fromWireNote(wire: WireNote): Note {
  return {
    id: wire.id,
    owner: wire.owner.toText(),
    title: wire.title,
    body: wire.body,
    visibility: 'public' in wire.visibility ? 'public' : 'private',
    version: wire.version,
    createdAt: nsToDate(wire.created_at),
    updatedAt: nsToDate(wire.updated_at),
  };
}

/** The canister's `NoteInput` from a draft. */
export function toWireNoteInput(draft: NoteDraft): WireNoteInput {
  return {
    title: draft.title,
    body: draft.body,
    visibility: draft.visibility === 'public' ? { public: null } : { private: null },
  };
}

/** The UI's limits from the canister's. */
export function fromWireLimits(wire: WireLimits): NoteLimits {
  return {
    titleChars: Number(wire.title_chars),
    bodyChars: Number(wire.body_chars),
    notesPerOwner: Number(wire.notes_per_owner),
  };
}

/** Whether `note` belongs in `feed` as seen by `viewer` (a principal's text). */
export function isInFeed(feed: Feed, note: Note, viewer: string): boolean {
  return feed === 'public' ? note.visibility === 'public' : note.owner === viewer;
}
