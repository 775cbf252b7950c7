import type { Note, NoteMeta, Visibility } from '../notes/types.js';
import {
  CandidFormatError,
  type CandidReader,
  type CandidWriter,
  inLabelOrder,
} from '@citadel/candid-wire';

/**
 * A `Note` (see `interface.ts`) as a Candid value, without type table: the form notes are
 * stored in and replied with.
 */

type NoteField =
  'id' | 'owner' | 'title' | 'body' | 'visibility' | 'version' | 'created_at' | 'updated_at';

const NOTE_FIELDS = inLabelOrder<NoteField>([
  'id',
  'owner',
  'title',
  'body',
  'visibility',
  'version',
  'created_at',
  'updated_at',
]);

/** `Visibility`'s tags in their Candid order: a value is its index here. */
const VISIBILITY_TAGS = inLabelOrder<Visibility>(['public', 'private']);

/** A principal reference is written transparently: flag 1, then its id (spec "References"). */
const TRANSPARENT = 1;

const WRITERS: Record<NoteField, (out: CandidWriter, note: Note) => void> = {
  id: (out, note) => out.nat64(note.id),
  owner: (out, note) => out.byte(TRANSPARENT).sized(note.owner),
  title: (out, note) => out.sized(new TextEncoder().encode(note.title)),
  body: (out, note) => out.sized(new TextEncoder().encode(note.body)),
  visibility: (out, note) => out.leb(VISIBILITY_TAGS.indexOf(note.visibility)),
  version: (out, note) => out.nat64(note.version),
  created_at: (out, note) => out.nat64(note.createdAtNs),
  updated_at: (out, note) => out.nat64(note.updatedAtNs),
};

/** Writes `note` as a Candid `Note` value. */
export function writeNote(out: CandidWriter, note: Note): CandidWriter {
  for (const field of NOTE_FIELDS) {
    WRITERS[field](out, note);
  }
  return out;
}

function readFields(input: CandidReader, decodeText: boolean): Partial<Record<NoteField, unknown>> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fields: Partial<Record<NoteField, unknown>> = {};
  for (const field of NOTE_FIELDS) {
    switch (field) {
      case 'owner':
        if (input.byte() !== TRANSPARENT) {
          throw new CandidFormatError('an opaque principal reference');
        }
        fields.owner = input.sized().slice();
        break;
      case 'title':
      case 'body': {
        const bytes = input.sized();
        if (decodeText) {
          fields[field] = decoder.decode(bytes);
        }
        break;
      }
      case 'visibility':
        fields.visibility = visibilityAt(input.leb());
        break;
      default:
        fields[field] = input.nat64();
    }
  }
  return fields;
}

function metaOf(fields: Partial<Record<NoteField, unknown>>): NoteMeta {
  return {
    id: fields.id as bigint,
    owner: fields.owner as Uint8Array,
    visibility: fields.visibility as Visibility,
    version: fields.version as bigint,
    createdAtNs: fields.created_at as bigint,
    updatedAtNs: fields.updated_at as bigint,
  };
}

/** Reads a Candid `Note` value; throws a {@link CandidFormatError} on anything else. */
export function readNote(input: CandidReader): Note {
  const fields = readFields(input, true);
  return { ...metaOf(fields), title: fields.title as string, body: fields.body as string };
}

/** Reads a Candid `Note` value but its title and body, which are skipped, not decoded. */
export function readNoteMeta(input: CandidReader): NoteMeta {
  return metaOf(readFields(input, false));
}

/** The index of `visibility` among `Visibility`'s tags. */
export function visibilityIndex(visibility: Visibility): number {
  return VISIBILITY_TAGS.indexOf(visibility);
}

/** The visibility at `index` among `Visibility`'s tags. */
export function visibilityAt(index: number): Visibility {
  const visibility = VISIBILITY_TAGS[index];
  if (visibility === undefined) {
    throw new CandidFormatError(`no Visibility tag at index ${index}`);
  }
  return visibility;
}
