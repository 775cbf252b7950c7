import {
  AgentError,
  CertificateVerificationErrorCode,
  ErrorKindEnum,
  HttpFetchErrorCode,
  RejectError,
  ReplicaRejectCode,
  requestIdOf,
  TransportError,
  TrustError,
  UncertifiedRejectErrorCode,
  UnexpectedErrorCode,
} from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import type { WireNote } from './backend-types';
import {
  describeNotesError,
  detailOfNotesError,
  fromThrown,
  fromWireNoteError,
  type NotesError,
} from './notes-error';

const OWNER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');

function makeWireNote(overrides: Partial<WireNote> = {}): WireNote {
  return {
    id: 7n,
    owner: OWNER,
    title: 'Theirs',
    body: 'Changed elsewhere',
    visibility: { private: null },
    version: 3n,
    created_at: 1_000_000_000n,
    updated_at: 2_000_000_000n,
    ...overrides,
  };
}

describe('fromWireNoteError', () => {
  it('maps every variant of the canister error to its kind', () => {
    expect(fromWireNoteError({ anonymous: null })).toEqual({ kind: 'anonymous' });
    expect(fromWireNoteError({ not_found: { id: 4n } })).toEqual({ kind: 'not_found', id: 4n });
    expect(fromWireNoteError({ not_owner: { id: 5n } })).toEqual({ kind: 'not_owner', id: 5n });
    expect(fromWireNoteError({ invalid: { field: 'title', message: 'is empty' } })).toEqual({
      kind: 'invalid',
      field: 'title',
      message: 'is empty',
    });
    expect(fromWireNoteError({ quota_exceeded: { limit: 100n } })).toEqual({
      kind: 'quota_exceeded',
      limit: 100n,
    });
  });

  it('carries the current note of a version conflict in the app shape', () => {
    const error = fromWireNoteError({ version_conflict: { current: makeWireNote() } });
    expect(error.kind).toBe('version_conflict');
    if (error.kind === 'version_conflict') {
      expect(error.current).toMatchObject({
        id: 7n,
        owner: OWNER.toText(),
        title: 'Theirs',
        visibility: 'private',
        version: 3n,
      });
      expect(error.current.updatedAt.getTime()).toBe(2_000);
    }
  });
});

describe('fromThrown', () => {
  it('classifies an agent transport error as unreachable', () => {
    const error = TransportError.fromCode(
      new HttpFetchErrorCode(new Error('connect ECONNREFUSED')),
    );
    expect(fromThrown(error).kind).toBe('unreachable');
  });

  it('classifies a rejected call and keeps the reject message as the detail', () => {
    const error = RejectError.fromCode(
      new UncertifiedRejectErrorCode(
        requestIdOf({ method: 'update_note' }),
        ReplicaRejectCode.CanisterError,
        'Canister trapped: boom',
        'IC0503',
        undefined,
      ),
    );
    expect(fromThrown(error)).toEqual({ kind: 'rejected', detail: 'Canister trapped: boom' });
  });

  it('classifies a failed verification as untrusted', () => {
    const error = TrustError.fromCode(new CertificateVerificationErrorCode('bad signature'));
    expect(fromThrown(error).kind).toBe('untrusted');
  });

  it('classifies other agent errors, and anything else, as unexpected', () => {
    const limit = new AgentError(new UnexpectedErrorCode('too big'), ErrorKindEnum.Limit);
    expect(fromThrown(limit).kind).toBe('unexpected');
    expect(fromThrown('a string')).toEqual({ kind: 'unexpected', detail: 'a string' });
  });

  it('classifies a TypeError from fetch as unreachable', () => {
    expect(fromThrown(new TypeError('Failed to fetch')).kind).toBe('unreachable');
  });

  it('keeps only the first line of a detail, cut to 300 characters', () => {
    const error = fromThrown(new Error(`${'x'.repeat(400)}\nsecond line`));
    expect(detailOfNotesError(error)).toBe(`${'x'.repeat(300)}…`);
  });
});

describe('describeNotesError', () => {
  const current = fromWireNoteError({ version_conflict: { current: makeWireNote() } });
  const cases: [NotesError, RegExp][] = [
    [{ kind: 'anonymous' }, /signed in/],
    [{ kind: 'not_found', id: 1n }, /no longer exists/],
    [{ kind: 'not_owner', id: 1n }, /Only the owner/],
    [current, /changed elsewhere/],
    [
      { kind: 'invalid', field: 'title', message: 'is too long' },
      /^The title was not accepted: is too long$/,
    ],
    [{ kind: 'quota_exceeded', limit: 100n }, /limit of 100 notes/],
    [{ kind: 'unreachable', detail: '' }, /Cannot reach the network/],
    [{ kind: 'rejected', detail: 'trap' }, /could not handle the request/],
    [{ kind: 'untrusted', detail: '' }, /could not be verified/],
    [{ kind: 'unexpected', detail: '' }, /Something went wrong/],
  ];

  it.each(cases)('describes %o in words', (error, expected) => {
    expect(describeNotesError(error)).toMatch(expected);
  });

  it('never shows the technical detail in the message itself', () => {
    expect(describeNotesError({ kind: 'rejected', detail: 'IC0503 trap' })).not.toContain('IC0503');
    expect(detailOfNotesError({ kind: 'rejected', detail: 'IC0503 trap' })).toBe('IC0503 trap');
    expect(detailOfNotesError({ kind: 'anonymous' })).toBeUndefined();
  });
});
