/**
 * Everything that can go wrong reading the network, as one tagged union: the directory's own
 * error variant, and the agent's failures sorted by what the user can do about them.
 * {@link describeConsoleError} is the single place that turns one into words.
 */
import { AgentError, ErrorKindEnum } from '@dfinity/agent';
import { UncertifiedStatusError } from './canister-status';
import type { WireDirectoryError } from './directory-idl';

/** A failed read. */
export type ConsoleError =
  /** The directory has no listing for this frontend id. */
  | { readonly kind: 'not_found'; readonly frontend: string }
  /** The directory refused the request (a search too long, a bad cursor). */
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  /** The network could not be reached (a transport failure). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /** The canister rejected the call (it trapped, is stopped, or lacks the method). */
  | { readonly kind: 'rejected'; readonly detail: string }
  /** A response or certificate failed verification against the network's root key. */
  | { readonly kind: 'untrusted'; readonly detail: string }
  /** A `read_state` came back without the certified values (the agent hides why). */
  | { readonly kind: 'uncertified'; readonly detail: string }
  | { readonly kind: 'unexpected'; readonly detail: string };

/** The kinds of {@link ConsoleError}, for callers that switch on them. */
export type ConsoleErrorKind = ConsoleError['kind'];

/** A read's outcome: its value, or why there is none. */
export type ConsoleResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ConsoleError };

/** The longest technical detail kept: agent messages can carry kilobytes of certificate bytes. */
const MAX_DETAIL_CHARS = 300;

/** The console's error from the directory's variant (its write-only errors are unexpected here). */
export function fromDirectoryError(wire: WireDirectoryError): ConsoleError {
  if ('not_found' in wire) {
    return { kind: 'not_found', frontend: wire.not_found.frontend.toText() };
  }
  if ('invalid' in wire) {
    return { kind: 'invalid', field: wire.invalid.field, message: wire.invalid.message };
  }
  return { kind: 'unexpected', detail: `directory error: ${Object.keys(wire).join(', ')}` };
}

/** The console's error from whatever an agent call threw, classified by the agent's error kind. */
export function fromThrown(error: unknown): ConsoleError {
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
  if (error instanceof UncertifiedStatusError) {
    return { kind: 'uncertified', detail: detailOf(error) };
  }
  // fetch() rejects with a TypeError when the host cannot be reached at all.
  if (error instanceof TypeError) {
    return { kind: 'unreachable', detail: detailOf(error) };
  }
  return { kind: 'unexpected', detail: detailOf(error) };
}

/** Runs `read`, turning a throw into a failed {@link ConsoleResult}. */
export async function attempt<T>(read: () => Promise<T>): Promise<ConsoleResult<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: fromThrown(error) };
  }
}

/**
 * What to tell the user about `error`, in one sentence.
 * @example
 * describeConsoleError({ kind: 'unreachable', detail: '' })
 * // 'Cannot reach the network. Check that it is running, then try again.'
 */
export function describeConsoleError(error: ConsoleError): string {
  switch (error.kind) {
    case 'not_found':
      return `No dApp is listed with the frontend canister ${error.frontend}.`;
    case 'invalid':
      return `The directory did not accept the ${error.field}: ${error.message}`;
    case 'unreachable':
      return 'Cannot reach the network. Check that it is running, then try again.';
    case 'rejected':
      return 'The canister could not answer the request.';
    case 'untrusted':
      return 'A response from the network could not be verified against its root key, so it was not used.';
    case 'uncertified':
      return 'The network gave no certified answer. It may be unreachable; try again.';
    case 'unexpected':
      return 'Something went wrong.';
  }
}

/** The technical detail worth showing under the message, if any. */
export function detailOfConsoleError(error: ConsoleError): string | undefined {
  return 'detail' in error && error.detail !== '' ? error.detail : undefined;
}

/** The first line of `error`'s message, cut to {@link MAX_DETAIL_CHARS}. */
export function detailOf(error: unknown): string {
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
