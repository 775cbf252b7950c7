import { IDL } from '@dfinity/candid';
import type { NoteError, NoteErrorCode, NotePage, NoteResult, StoredNote } from '../notes/types.js';
import { T } from './interface.js';
import { CandidWriter, inLabelOrder } from '@citadel/candid-wire';

/**
 * Candid replies of the note methods, assembled from stored note values: a fixed type table
 * (taken once from `@dfinity/candid`), then the value, whose notes are the stored bytes. A
 * page of 100 notes of 10,000 characters is ~1 MB joined, where encoding it with
 * `IDL.encode` would run every character through JavaScript.
 */
export interface ReplyEncoder {
  /** A `NoteResult`. */
  noteResult(result: NoteResult<StoredNote>): Uint8Array;
  /** A `DeleteResult`. */
  deleteResult(result: NoteResult<unknown>): Uint8Array;
  /** A `NotePage`. */
  notePage(page: NotePage): Uint8Array;
}

const RESULT_TAGS = inLabelOrder(['ok', 'err']);
const OK = RESULT_TAGS.indexOf('ok');
const ERR = RESULT_TAGS.indexOf('err');
const ERROR_TAGS = inLabelOrder<NoteErrorCode>([
  'anonymous',
  'not_found',
  'not_owner',
  'version_conflict',
  'invalid',
  'quota_exceeded',
]);
const INVALID_FIELDS = inLabelOrder<'field' | 'message'>(['field', 'message']);
const PAGE_FIELDS = inLabelOrder<'notes' | 'next_cursor'>(['notes', 'next_cursor']);

function writeError(out: CandidWriter, error: NoteError): void {
  out.leb(ERROR_TAGS.indexOf(error.code));
  switch (error.code) {
    case 'anonymous':
      return;
    case 'not_found':
    case 'not_owner':
      out.nat64(error.id);
      return;
    case 'version_conflict':
      out.raw(error.current.bytes);
      return;
    case 'invalid': {
      const encoder = new TextEncoder();
      for (const field of INVALID_FIELDS) {
        out.sized(encoder.encode(error[field]));
      }
      return;
    }
    case 'quota_exceeded':
      out.nat64(error.limit);
      return;
  }
}

function writeNoteResult(out: CandidWriter, result: NoteResult<StoredNote>): void {
  if (result.ok) {
    out.leb(OK).raw(result.value.bytes);
  } else {
    writeError(out.leb(ERR), result.error);
  }
}

function writeDeleteResult(out: CandidWriter, result: NoteResult<unknown>): void {
  if (result.ok) {
    out.leb(OK);
  } else {
    writeError(out.leb(ERR), result.error);
  }
}

function writePage(out: CandidWriter, page: NotePage): void {
  for (const field of PAGE_FIELDS) {
    if (field === 'notes') {
      out.leb(page.notes.length);
      for (const note of page.notes) {
        out.raw(note.bytes);
      }
    } else if (page.nextCursor === undefined) {
      out.byte(0);
    } else {
      out.byte(1).nat64(page.nextCursor);
    }
  }
}

/**
 * The header and type table `IDL.encode` writes for one value of `type`: its encoding of
 * `sample` less the value bytes `write` gives for it (checked to be what it ends with).
 */
function typeTableOf<V>(
  type: IDL.Type,
  sample: unknown,
  value: V,
  write: (out: CandidWriter, value: V) => void,
): Uint8Array {
  const full = new Uint8Array(IDL.encode([type], [sample]));
  const ours = new CandidWriter();
  write(ours, value);
  const tail = ours.finish();
  const prefix = full.length - tail.length;
  if (prefix < 0 || tail.some((byte, index) => full[prefix + index] !== byte)) {
    throw new Error(`the reply encoder disagrees with @dfinity/candid on ${type.display()}`);
  }
  return full.slice(0, prefix);
}

function withTable<V>(
  table: Uint8Array,
  write: (out: CandidWriter, value: V) => void,
): (value: V) => Uint8Array {
  return (value) => {
    const out = new CandidWriter().raw(table);
    write(out, value);
    return out.finish();
  };
}

/** Creates the encoder; its type tables are computed here, once. */
export function createReplyEncoder(): ReplyEncoder {
  const anonymous: NoteResult<never> = { ok: false, error: { code: 'anonymous' } };
  return {
    noteResult: withTable(
      typeTableOf(T.NoteResult, { err: { anonymous: null } }, anonymous, writeNoteResult),
      writeNoteResult,
    ),
    deleteResult: withTable(
      typeTableOf(T.DeleteResult, { ok: null }, { ok: true, value: null }, writeDeleteResult),
      writeDeleteResult,
    ),
    notePage: withTable(
      typeTableOf(T.NotePage, { notes: [], next_cursor: [] }, { notes: [] }, writePage),
      writePage,
    ),
  };
}
