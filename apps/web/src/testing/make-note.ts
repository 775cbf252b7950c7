/** Test fixtures: notes and drafts with sensible defaults, overridden per test. */
import type { Note, NoteLimits } from '../lib/note';

/** The viewer's principal in component tests. */
export const ME = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

/** Another user's principal. */
export const SOMEONE_ELSE = 'ryjl3-tyaaa-aaaaa-aaaba-cai';

/** A note owned by {@link ME}, public, version 1, created 2025-03-04 12:00 UTC. */
export function makeNote(overrides: Partial<Note> = {}): Note {
  const createdAt = new Date(Date.UTC(2025, 2, 4, 12, 0, 0));
  return {
    id: 1n,
    owner: ME,
    title: 'First note',
    body: 'Hello from Citadel.',
    visibility: 'public',
    version: 1n,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** Small limits, so tests can exceed them with short strings. */
export function makeLimits(overrides: Partial<NoteLimits> = {}): NoteLimits {
  return { titleChars: 10, bodyChars: 20, notesPerOwner: 5, ...overrides };
}
