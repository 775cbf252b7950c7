import {
  readNote,
  readNoteMeta,
  visibilityAt,
  visibilityIndex,
  writeNote,
} from '../candid/note-value.js';
import { CandidReader, CandidWriter } from '@citadel/candid-wire';
import type { Note, NoteMeta, StoredNote, Visibility } from './types.js';

/**
 * How notes are laid out in stable memory. A note record is a format byte, then the note's
 * Candid value (`candid/note-value.ts`), so that a reply carries the stored bytes as they
 * are. A summary (owner and visibility) is kept apart, small, to rebuild the heap indexes
 * after an upgrade without reading every body.
 */

/** Thrown when stable memory holds something this layout does not (a bug, or a downgrade). */
export class NoteRecordError extends Error {
  override readonly name = 'NoteRecordError';
}

/** The first byte of a note record in this layout; another layout gets another byte. */
const NOTE_RECORD_V1 = 1;

/** The stored form of `note`. */
export function encodeNoteRecord(note: Note): Uint8Array {
  return writeNote(new CandidWriter().byte(NOTE_RECORD_V1), note).finish();
}

/** A stored record as the store hands it out; the note is decoded on first read. */
export function storedNote(id: bigint, record: Uint8Array, decoded?: Note): StoredNote {
  if (record[0] !== NOTE_RECORD_V1) {
    throw new NoteRecordError(`note ${id} has an unknown record format ${record[0]}`);
  }
  const bytes = record.subarray(1);
  let meta: NoteMeta | undefined = decoded;
  let note = decoded;
  const read = <T>(reader: (input: CandidReader) => T): T => {
    const input = new CandidReader(bytes);
    const value = reader(input);
    if (!input.done) {
      throw new NoteRecordError(`note ${id} has bytes after its value`);
    }
    return value;
  };
  return {
    id,
    bytes,
    get meta() {
      return (meta ??= read(readNoteMeta));
    },
    get note() {
      return (note ??= read(readNote));
    },
  };
}

/** Who owns a note and who may read it: what the heap indexes are built from. */
export interface NoteSummary {
  readonly owner: Uint8Array;
  readonly visibility: Visibility;
}

/** The stored form of a summary: the visibility's tag index, then the owner's bytes. */
export function encodeSummary(summary: NoteSummary): Uint8Array {
  const bytes = new Uint8Array(1 + summary.owner.length);
  bytes[0] = visibilityIndex(summary.visibility);
  bytes.set(summary.owner, 1);
  return bytes;
}

export function decodeSummary(bytes: Uint8Array): NoteSummary {
  return { visibility: visibilityAt(bytes[0] ?? -1), owner: bytes.slice(1) };
}

/** A table key for an id: eight bytes, big-endian, so that keys sort as ids do. */
export function idToKey(id: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, id);
  return bytes;
}

export function keyToId(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) {
    throw new NoteRecordError(`a note key has ${bytes.length} bytes, not 8`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}
