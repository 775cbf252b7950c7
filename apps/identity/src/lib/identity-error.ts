/**
 * Everything that can go wrong signing in, as one tagged union: WebAuthn's refusals by their
 * DOMException name, the canister's answers, and the agent's failures sorted by what the user
 * can do about them. {@link describeIdentityProblem} is the one place that turns one into
 * words; code checks `kind`, never message text.
 */
import { AgentError, ErrorKindEnum, HttpErrorCode } from '@dfinity/agent';

/** A failed step of signing in, creating a passkey, or issuing a delegation. */
export type IdentityProblem =
  /** WebAuthn `NotAllowedError` / `AbortError`: dismissed, timed out, or no matching passkey. */
  | { readonly kind: 'passkey-cancelled' }
  /** WebAuthn `SecurityError`: the page is not on a domain WebAuthn accepts (an IP address). */
  | { readonly kind: 'passkey-domain'; readonly detail: string }
  /** No WebAuthn in this browser, or none of the key algorithms offered. */
  | { readonly kind: 'passkey-unsupported'; readonly detail: string }
  /** WebAuthn `InvalidStateError` on create: this authenticator already holds one of them. */
  | { readonly kind: 'passkey-exists' }
  /** The authenticator's answer could not be read (no public key, malformed data). */
  | { readonly kind: 'passkey-unreadable'; readonly detail: string }
  /** The passkey that answered is not one of the anchor's. */
  | { readonly kind: 'wrong-passkey' }
  /** `lookup` found no passkey for the anchor: it does not exist or has none. */
  | { readonly kind: 'unknown-anchor'; readonly anchor: bigint }
  /** `register` answered `canister_full`. */
  | { readonly kind: 'canister-full' }
  /** `register` answered `bad_device`. */
  | { readonly kind: 'bad-device'; readonly detail: string }
  /** `get_delegation` kept answering `no_such_delegation`. */
  | { readonly kind: 'no-delegation' }
  /** The network could not be reached (a transport failure). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /**
   * The canister rejected the call (it trapped, is stopped, or is not installed), or the
   * network refused it (an HTTP error, such as a signature it would not accept).
   */
  | { readonly kind: 'rejected'; readonly detail: string }
  /** A response failed verification against the network's certificate. */
  | { readonly kind: 'untrusted'; readonly detail: string }
  | { readonly kind: 'unexpected'; readonly detail: string };

/** The kinds of {@link IdentityProblem}. */
export type IdentityProblemKind = IdentityProblem['kind'];

/** The error the flows throw for a problem of their own. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError';

  constructor(readonly problem: IdentityProblem) {
    super(describeIdentityProblem(problem));
  }
}

/** The longest technical detail kept: agent messages can carry kilobytes of certificate bytes. */
const MAX_DETAIL_CHARS = 300;

/**
 * The problem behind whatever a flow threw: an {@link IdentityError}'s own, a WebAuthn
 * `DOMException` by its name, an agent error by its kind, a failed `fetch`.
 */
export function toIdentityProblem(thrown: unknown): IdentityProblem {
  if (thrown instanceof IdentityError) {
    return thrown.problem;
  }
  if (thrown instanceof AgentError) {
    switch (thrown.kind) {
      case ErrorKindEnum.Transport:
        return { kind: 'unreachable', detail: detailOf(thrown) };
      case ErrorKindEnum.Reject:
        return { kind: 'rejected', detail: rejectMessageOf(thrown) ?? detailOf(thrown) };
      case ErrorKindEnum.Protocol:
        return { kind: 'rejected', detail: httpDetailOf(thrown) ?? detailOf(thrown) };
      case ErrorKindEnum.Trust:
        return { kind: 'untrusted', detail: detailOf(thrown) };
      default:
        return { kind: 'unexpected', detail: detailOf(thrown) };
    }
  }
  switch (domExceptionName(thrown)) {
    case 'NotAllowedError':
    case 'AbortError':
      return { kind: 'passkey-cancelled' };
    case 'SecurityError':
      return { kind: 'passkey-domain', detail: detailOf(thrown) };
    case 'NotSupportedError':
      return { kind: 'passkey-unsupported', detail: detailOf(thrown) };
    case 'InvalidStateError':
      return { kind: 'passkey-exists' };
    default:
      break;
  }
  // fetch() rejects with a TypeError when the host cannot be reached at all.
  if (thrown instanceof TypeError) {
    return { kind: 'unreachable', detail: detailOf(thrown) };
  }
  return { kind: 'unexpected', detail: detailOf(thrown) };
}

/**
 * What to tell the user about `problem`, in one or two sentences.
 * @example
 * describeIdentityProblem({ kind: 'unknown-anchor', anchor: 10_000n })
 * // 'There is no identity 10000 with a passkey. Check the number, or create a passkey.'
 */
export function describeIdentityProblem(problem: IdentityProblem): string {
  switch (problem.kind) {
    case 'passkey-cancelled':
      return 'The passkey request was cancelled or timed out, or this device has no passkey for this identity.';
    case 'passkey-domain':
      return 'Passkeys need a domain name: open Internet Identity at http://<canister-id>.localhost, not at an IP address.';
    case 'passkey-unsupported':
      return 'This browser or authenticator cannot create or use a suitable passkey.';
    case 'passkey-exists':
      return 'This authenticator already holds a passkey of this identity.';
    case 'passkey-unreadable':
      return 'The authenticator answered with data this page cannot read.';
    case 'wrong-passkey':
      return 'That passkey does not belong to this identity.';
    case 'unknown-anchor':
      return `There is no identity ${problem.anchor} with a passkey. Check the number, or create a passkey.`;
    case 'canister-full':
      return 'Internet Identity cannot create more identities.';
    case 'bad-device':
      return `Internet Identity refused the new passkey: ${problem.detail}`;
    case 'no-delegation':
      return 'Internet Identity did not hand out the signature for this sign-in. Try again.';
    case 'unreachable':
      return 'Cannot reach the network. Check that it is running, then try again.';
    case 'rejected':
      return 'The network or the Internet Identity canister refused the request.';
    case 'untrusted':
      return 'A response from the network could not be verified, so it was not used.';
    case 'unexpected':
      return 'Something went wrong.';
  }
}

/** The technical detail worth showing under the message, if any. */
export function detailOfIdentityProblem(problem: IdentityProblem): string | undefined {
  return 'detail' in problem && problem.detail !== '' && problem.kind !== 'bad-device'
    ? problem.detail
    : undefined;
}

function domExceptionName(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null || !('name' in thrown)) {
    return undefined;
  }
  return typeof thrown.name === 'string' ? thrown.name : undefined;
}

function detailOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.trim().split('\n', 1)[0] ?? '';
  return firstLine.length > MAX_DETAIL_CHARS
    ? `${firstLine.slice(0, MAX_DETAIL_CHARS)}…`
    : firstLine;
}

/** `HTTP 400 Bad Request: <body>` for an HTTP error, whose message puts the body on line 2+. */
function httpDetailOf(error: AgentError): string | undefined {
  const code = error.cause.code;
  if (!(code instanceof HttpErrorCode)) {
    return undefined;
  }
  const body = code.bodyText?.trim() ?? '';
  return detailOf(`HTTP ${code.status} ${code.statusText}${body === '' ? '' : `: ${body}`}`);
}

function rejectMessageOf(error: AgentError): string | undefined {
  const code: unknown = error.cause.code;
  if (typeof code === 'object' && code !== null && 'rejectMessage' in code) {
    const message = (code as { rejectMessage: unknown }).rejectMessage;
    return typeof message === 'string' ? detailOf(message) : undefined;
  }
  return undefined;
}
