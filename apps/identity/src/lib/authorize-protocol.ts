/**
 * The II client authentication protocol, as `@dfinity/auth-client` speaks it
 * (reference §1, II spec "Client authentication protocol"): the messages, the request's
 * validation, and which messages to ignore. No I/O; `authorize-channel.ts` moves them.
 */
import { isPrincipalText } from './principal-text';

/** II → opener, once listening: "send me your request". Posted to `'*'` (§1.2). */
export interface AuthorizeReadyMessage {
  readonly kind: 'authorize-ready';
}

/** The dApp's request, validated. */
export interface AuthorizeRequest {
  /** The DER public key of the dApp's session key; the delegation is issued to it. */
  readonly sessionPublicKey: Uint8Array;
  /** The longest session the dApp asks for, in ns; absent means the canister's default. */
  readonly maxTimeToLive: bigint | undefined;
  /** The origin to derive the principal for instead of the dApp's own (§5). */
  readonly derivationOrigin: string | undefined;
  /** Accepted and ignored: this II signs in with passkeys only. */
  readonly allowPinAuthentication: boolean | undefined;
  /** A principal the dApp would like preselected; accepted, not used yet. */
  readonly autoSelectionPrincipal: string | undefined;
}

/** One delegation of the chain II hands back: from the user's key to the session key. */
export interface ClientSignedDelegation {
  readonly delegation: {
    readonly pubkey: Uint8Array;
    readonly expiration: bigint;
    /** Always `undefined`: an empty array would mean "no canister" (§7.5). */
    readonly targets: undefined;
  };
  readonly signature: Uint8Array;
}

/** II → dApp when the user signed in. */
export interface AuthorizeSuccessMessage {
  readonly kind: 'authorize-client-success';
  readonly delegations: readonly [ClientSignedDelegation];
  /** The canister-signature public key; the dApp's principal is derived from it. */
  readonly userPublicKey: Uint8Array;
  readonly authnMethod: 'passkey';
}

/** II → dApp when signing in failed or the user gave up. */
export interface AuthorizeFailureMessage {
  readonly kind: 'authorize-client-failure';
  readonly text: string;
}

/**
 * The failure text for a user who gives up in the II window. It is the error auth-client
 * itself reports when the window is closed (`ERROR_USER_INTERRUPT`), so a dApp handles
 * both the same way.
 */
export const USER_INTERRUPT = 'UserInterrupt';

/** A request read from a message, or what is wrong with it. */
export type AuthorizeRequestResult =
  | { readonly ok: true; readonly request: AuthorizeRequest }
  | { readonly ok: false; readonly problem: string };

/** The `authorize-ready` message. */
export const AUTHORIZE_READY: AuthorizeReadyMessage = Object.freeze({ kind: 'authorize-ready' });

/**
 * Validates a message's data as an `authorize-client` request, as the reference II does:
 * `sessionPublicKey` must be a `Uint8Array`; the optional fields may be absent or present
 * with `undefined` (auth-client sends them so); `maxTimeToLive` may be a `bigint` or, from
 * older clients, an integral `number` (II #1050). Unknown fields (a dApp's `customValues`)
 * are ignored.
 */
export function parseAuthorizeRequest(data: unknown): AuthorizeRequestResult {
  if (typeof data !== 'object' || data === null) {
    return invalid('the message is not an object');
  }
  const message = data as Record<string, unknown>;
  if (message.kind !== 'authorize-client') {
    return invalid(`its kind is ${describe(message.kind)}, not "authorize-client"`);
  }
  const { sessionPublicKey } = message;
  if (!(sessionPublicKey instanceof Uint8Array)) {
    return invalid(`sessionPublicKey is ${describe(sessionPublicKey)}, not a Uint8Array`);
  }
  if (sessionPublicKey.length === 0) {
    return invalid('sessionPublicKey is empty');
  }
  const maxTimeToLive = toNanoseconds(message.maxTimeToLive);
  if (maxTimeToLive === null) {
    return invalid(
      `maxTimeToLive is ${describe(message.maxTimeToLive)}, not a whole number of nanoseconds`,
    );
  }
  const derivationOrigin = message.derivationOrigin;
  if (derivationOrigin !== undefined && typeof derivationOrigin !== 'string') {
    return invalid(`derivationOrigin is ${describe(derivationOrigin)}, not a string`);
  }
  const allowPin = message.allowPinAuthentication;
  if (allowPin !== undefined && typeof allowPin !== 'boolean') {
    return invalid(`allowPinAuthentication is ${describe(allowPin)}, not a boolean`);
  }
  const autoSelection = message.autoSelectionPrincipal;
  if (
    autoSelection !== undefined &&
    (typeof autoSelection !== 'string' || !isPrincipalText(autoSelection))
  ) {
    return invalid(`autoSelectionPrincipal is ${describe(autoSelection)}, not a principal`);
  }
  return {
    ok: true,
    request: {
      // A copy, so nothing the sender still holds can change the key after validation.
      sessionPublicKey: sessionPublicKey.slice(),
      maxTimeToLive,
      derivationOrigin,
      allowPinAuthentication: allowPin,
      autoSelectionPrincipal: autoSelection,
    },
  };
}

/**
 * Whether II must ignore a message from `messageOrigin` seen by a page at `ownOrigin`: a
 * message from the page's own origin comes from a browser extension, never from the dApp
 * (§1.3).
 */
export function isIgnoredMessageOrigin(messageOrigin: string, ownOrigin: string): boolean {
  return messageOrigin === ownOrigin;
}

/** The success message for a delegation the canister signed. */
export function createSuccessMessage({
  pubkey,
  expiration,
  signature,
  userPublicKey,
}: {
  readonly pubkey: Uint8Array;
  readonly expiration: bigint;
  readonly signature: Uint8Array;
  readonly userPublicKey: Uint8Array;
}): AuthorizeSuccessMessage {
  return {
    kind: 'authorize-client-success',
    delegations: [
      {
        // Fresh copies: Candid may hand out views into one larger buffer, and postMessage
        // would clone all of it.
        delegation: { pubkey: pubkey.slice(), expiration, targets: undefined },
        signature: signature.slice(),
      },
    ],
    userPublicKey: userPublicKey.slice(),
    authnMethod: 'passkey',
  };
}

/** The failure message carrying `text`. */
export function createFailureMessage(text: string): AuthorizeFailureMessage {
  return { kind: 'authorize-client-failure', text };
}

function invalid(problem: string): AuthorizeRequestResult {
  return { ok: false, problem };
}

/** `undefined` for absent, the value in ns, or null when it is no `nat64`. */
function toNanoseconds(value: unknown): bigint | undefined | null {
  if (value === undefined) {
    return undefined;
  }
  const ns =
    typeof value === 'bigint'
      ? value
      : typeof value === 'number' && Number.isInteger(value)
        ? BigInt(value)
        : null;
  return ns !== null && ns >= 0n && ns < 2n ** 64n ? ns : null;
}

/** A short description of a field's value for an error message (never the value itself). */
function describe(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    return value.length > 40 ? 'a long string' : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return `the ${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object') {
    const className: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof className === 'string' && className !== 'Object'
      ? `an object of class ${className}`
      : 'an object';
  }
  return `a ${typeof value}`;
}
