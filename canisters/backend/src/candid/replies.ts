import type { NoteError, NoteErrorCode, NotePage, NoteResult, StoredNote } from '../notes/types.js';
import { T } from './interface.js';
import { type CandidWriter, inLabelOrder, replyEncoder } from '@citadel/candid-wire';

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

/** Creates the encoder; its type tables are computed here, once. */
export function createReplyEncoder(): ReplyEncoder {
  const anonymous: NoteResult<never> = { ok: false, error: { code: 'anonymous' } };
  return {
    noteResult: replyEncoder(
      T.NoteResult,
      { err: { anonymous: null } },
      anonymous,
      writeNoteResult,
    ),
    deleteResult: replyEncoder(
      T.DeleteResult,
      { ok: null },
      { ok: true, value: null },
      writeDeleteResult,
    ),
    notePage: replyEncoder(T.NotePage, { notes: [], next_cursor: [] }, { notes: [] }, writePage),
  };
}
