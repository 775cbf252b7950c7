/**
 * Everything that can go wrong talking to the notes backend, as one tagged union: the
 * canister's own error variant, and the agent's failures sorted by what the user can do
 * about them. {@link describeNotesError} is the single place that turns one into words.
 */
import { AgentError, ErrorKindEnum } from '@dfinity/agent';
import type { WireNoteError } from './backend-types';
import { fromWireNote, type Note } from './note';

/** A failed backend call. */
export type NotesError =
  /** The call was anonymous, and writes need a signed-in caller. */
  | { readonly kind: 'anonymous' }
  /** No such note, or another user's private note. */
  | { readonly kind: 'not_found'; readonly id: bigint }
  | { readonly kind: 'not_owner'; readonly id: bigint }
  /** The note changed since it was loaded; `current` is what the canister has now. */
  | { readonly kind: 'version_conflict'; readonly current: Note }
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly kind: 'quota_exceeded'; readonly limit: bigint }
  /** The network could not be reached (a transport failure). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /** The canister rejected the call (it trapped, is stopped, or is not installed). */
  | { readonly kind: 'rejected'; readonly detail: string }
  /** A response failed verification against the network's certificate. */
  | { readonly kind: 'untrusted'; readonly detail: string }
  | { readonly kind: 'unexpected'; readonly detail: string };

/** The kinds of {@link NotesError}, for callers that switch on them. */
export type NotesErrorKind = NotesError['kind'];

/** The longest technical detail kept: agent messages can carry kilobytes of certificate bytes. */
const MAX_DETAIL_CHARS = 300;

/** The UI's error from the canister's variant. */
export function fromWireNoteError(wire: WireNoteError): NotesError {
  if ('anonymous' in wire) {
    return { kind: 'anonymous' };
  }
  if ('not_found' in wire) {
    return { kind: 'not_found', id: wire.not_found.id };
  }
  if ('not_owner' in wire) {
    return { kind: 'not_owner', id: wire.not_owner.id };
  }
  if ('version_conflict' in wire) {
    return { kind: 'version_conflict', current: fromWireNote(wire.version_conflict.current) };
  }
  if ('invalid' in wire) {
    return { kind: 'invalid', field: wire.invalid.field, message: wire.invalid.message };
  }
  return { kind: 'quota_exceeded', limit: BigInt(wire.quota_exceeded.limit) };
}

/** The UI's error from whatever an agent call threw, classified by the agent's error kind. */
export function fromThrown(error: unknown): NotesError {
  if (error instanceof AgentError) {
    switch (error.kind) {
      case ErrorKindEnum.Transport:
        return { kind: 'unreachable', detail: detailOf(error) };
      case ErrorKindEnum.Reject:
        return { kind: 'rejected', detail: rejectMessageOf(error) ?? detailOf(error) };
      case ErrorKindEnum.Trust:
        return { kind: 'untrusted', detail: detailOf(error) };
      default:
        return { kind: 'unexpected', detail: detailOf(error) };
    }
  }
  // fetch() rejects with a TypeError when the host cannot be reached at all.
  if (error instanceof TypeError) {
    return { kind: 'unreachable', detail: detailOf(error) };
  }
  return { kind: 'unexpected', detail: detailOf(error) };
}

/**
 * What to tell the user about `error`, in one or two sentences.
 * @example
 * describeNotesError({ kind: 'quota_exceeded', limit: 100n })
 * // 'You have reached the limit of 100 notes. Delete one to write another.'
 */
export function describeNotesError(error: NotesError): string {
  switch (error.kind) {
    case 'anonymous':
      return 'You need to be signed in to change notes.';
    case 'not_found':
      return 'This note no longer exists. It may have been deleted.';
    case 'not_owner':
      return 'Only the owner of this note can change it.';
    case 'version_conflict':
      return 'This note was changed elsewhere since you opened it.';
    case 'invalid':
      return `The ${error.field} was not accepted: ${error.message}`;
    case 'quota_exceeded':
      return `You have reached the limit of ${error.limit} notes. Delete one to write another.`;
    case 'unreachable':
      return 'Cannot reach the network. Check that it is running, then try again.';
    case 'rejected':
      return 'The backend canister could not handle the request.';
    case 'untrusted':
      return 'A response from the network could not be verified, so it was not used.';
    case 'unexpected':
      return 'Something went wrong.';
  }
}

/** The technical detail worth showing under the message, if any. */
export function detailOfNotesError(error: NotesError): string | undefined {
  return 'detail' in error && error.detail !== '' ? error.detail : undefined;
}

function detailOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.trim().split('\n', 1)[0] ?? '';
  return firstLine.length > MAX_DETAIL_CHARS
    ? `${firstLine.slice(0, MAX_DETAIL_CHARS)}…`
    : firstLine;
}

function rejectMessageOf(error: AgentError): string | undefined {
  const code: unknown = error.cause.code;
  if (typeof code === 'object' && code !== null && 'rejectMessage' in code) {
    const message = (code as { rejectMessage: unknown }).rejectMessage;
    return typeof message === 'string' ? detailOf(message) : undefined;
  }
  return undefined;
}
