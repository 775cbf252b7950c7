import type { CborMap, CborValue, RequestId, SignatureVerifier } from '@citadel/protocol';
import {
  ANONYMOUS_PRINCIPAL,
  CitadelError,
  bytesEqual,
  domainSeparated,
  hashOfMap,
  isCborMap,
  principalToText,
  requestIdOf,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import { IngressError, IngressErrorCode } from './ingress-error.js';

/** Longest principal (interface spec "Principals"). */
const MAX_PRINCIPAL_BYTES = 29;
/** Longest nonce the IC accepts. */
export const MAX_NONCE_BYTES = 32;
/** Requests may expire at most this far in the future (5 min TTL + 30 s drift, IC-VAL). */
export const MAX_INGRESS_TTL_NS = (5n * 60n + 30n) * 1_000_000_000n;
/** Delegation chain bounds (interface spec "Authentication"). */
export const MAX_DELEGATIONS = 20;
export const MAX_DELEGATION_TARGETS = 1_000;
/** read_state bounds. */
export const MAX_READ_STATE_PATHS = 1_000;
export const MAX_PATH_LABELS = 127;

/** Fields common to every request content. */
interface CommonContent {
  readonly sender: Uint8Array;
  readonly ingressExpiryNs: bigint;
  readonly nonce?: Uint8Array;
}

/** Content of an update call. */
export interface CallContent extends CommonContent {
  readonly requestType: 'call';
  readonly canisterId: Uint8Array;
  readonly methodName: string;
  readonly arg: Uint8Array;
}

/** Content of a query. */
export interface QueryContent extends CommonContent {
  readonly requestType: 'query';
  readonly canisterId: Uint8Array;
  readonly methodName: string;
  readonly arg: Uint8Array;
}

/** Content of a read_state request. */
export interface ReadStateContent extends CommonContent {
  readonly requestType: 'read_state';
  readonly paths: Uint8Array[][];
}

/** A request whose envelope passed every check. */
export interface ValidatedRequest {
  readonly requestId: RequestId;
  readonly sender: Uint8Array;
  readonly content: CallContent | QueryContent | ReadStateContent;
  /** Intersection of the delegation targets; `null` when unrestricted. */
  readonly targets: readonly Uint8Array[] | null;
}

/** What `validateEnvelope` needs besides the envelope. */
export interface ValidateEnvelopeParams {
  readonly endpoint: 'call' | 'query' | 'read_state';
  readonly nowNs: bigint;
  readonly effectiveCanisterId: Uint8Array;
  readonly verifier: SignatureVerifier;
}

const malformed = (message: string): IngressError =>
  new IngressError(400, IngressErrorCode.MALFORMED, `Malformed request: ${message}`);

function field(map: CborMap, key: string): CborValue {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function bytes(map: CborMap, key: string, maxLength?: number): Uint8Array {
  const value = field(map, key);
  if (!(value instanceof Uint8Array)) {
    throw malformed(`field '${key}' must be a byte string`);
  }
  if (maxLength !== undefined && value.length > maxLength) {
    throw malformed(`field '${key}' is ${value.length} bytes, at most ${maxLength} allowed`);
  }
  // The CBOR decoder hands out views into the request body; callers such as Candid's decoder
  // read `.buffer` directly, so give them bytes of their own.
  return value.slice();
}

function text(map: CborMap, key: string): string {
  const value = field(map, key);
  if (typeof value !== 'string') {
    throw malformed(`field '${key}' must be text`);
  }
  return value;
}

function nat(map: CborMap, key: string): bigint {
  const value = field(map, key);
  if ((typeof value !== 'number' && typeof value !== 'bigint') || value < 0) {
    throw malformed(`field '${key}' must be a natural number`);
  }
  return BigInt(value);
}

function parseContent(content: CborMap): CallContent | QueryContent | ReadStateContent {
  const requestType = text(content, 'request_type');
  const sender = bytes(content, 'sender', MAX_PRINCIPAL_BYTES);
  const ingressExpiryNs = nat(content, 'ingress_expiry');
  let nonce: Uint8Array | undefined;
  if (field(content, 'nonce') !== undefined) {
    nonce = bytes(content, 'nonce');
    if (nonce.length > MAX_NONCE_BYTES) {
      throw new IngressError(
        400,
        IngressErrorCode.NONCE_TOO_BIG,
        `Nonce in request is too big: got ${nonce.length} bytes, but at most ${MAX_NONCE_BYTES} are allowed`,
      );
    }
  }
  const common = { sender, ingressExpiryNs, ...(nonce ? { nonce } : {}) };
  if (requestType === 'call' || requestType === 'query') {
    return {
      requestType,
      ...common,
      canisterId: bytes(content, 'canister_id', MAX_PRINCIPAL_BYTES),
      methodName: text(content, 'method_name'),
      arg: bytes(content, 'arg'),
    };
  }
  if (requestType === 'read_state') {
    const paths = field(content, 'paths');
    if (!Array.isArray(paths)) {
      throw malformed("field 'paths' must be an array");
    }
    if (paths.length > MAX_READ_STATE_PATHS) {
      throw new IngressError(
        400,
        IngressErrorCode.TOO_MANY_PATHS,
        `Too many paths requested: ${paths.length}, at most ${MAX_READ_STATE_PATHS} allowed`,
      );
    }
    const parsed = paths.map((path: CborValue) => {
      if (!Array.isArray(path) || !path.every((label: CborValue) => label instanceof Uint8Array)) {
        throw malformed('every path must be an array of byte strings');
      }
      if (path.length > MAX_PATH_LABELS) {
        throw new IngressError(
          400,
          IngressErrorCode.TOO_MANY_PATHS,
          `Path too deep: ${path.length} labels, at most ${MAX_PATH_LABELS} allowed`,
        );
      }
      return path as Uint8Array[];
    });
    return { requestType, ...common, paths: parsed };
  }
  throw malformed(`unknown request_type '${requestType}'`);
}

const iso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

function checkExpiry(expiryNs: bigint, nowNs: bigint): void {
  const max = nowNs + MAX_INGRESS_TTL_NS;
  if (expiryNs < nowNs || expiryNs > max) {
    // The agent resyncs its clock when the text starts with this exact prefix (pitfall 6).
    throw new IngressError(
      400,
      IngressErrorCode.EXPIRY,
      `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${iso(nowNs)}, Maximum allowed expiry: ${iso(max)}, Provided expiry: ${iso(expiryNs)}`,
      { expiryNs, nowNs },
    );
  }
}

interface Delegation {
  readonly map: CborMap;
  readonly pubkey: Uint8Array;
  readonly expirationNs: bigint;
  readonly targets: Uint8Array[] | null;
  readonly signature: Uint8Array;
}

function parseDelegations(value: CborValue): Delegation[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw malformed("field 'sender_delegation' must be an array");
  }
  if (value.length > MAX_DELEGATIONS) {
    throw new IngressError(
      400,
      IngressErrorCode.INVALID_DELEGATION,
      `Invalid delegation: chain of ${value.length} delegations, at most ${MAX_DELEGATIONS} allowed`,
    );
  }
  return value.map((signed: CborValue) => {
    if (!isCborMap(signed)) {
      throw malformed('every signed delegation must be a map');
    }
    const delegation = field(signed, 'delegation');
    if (!isCborMap(delegation)) {
      throw malformed("signed delegation lacks a 'delegation' map");
    }
    const rawTargets = field(delegation, 'targets');
    let targets: Uint8Array[] | null = null;
    if (rawTargets !== undefined) {
      if (
        !Array.isArray(rawTargets) ||
        !rawTargets.every((t: CborValue) => t instanceof Uint8Array)
      ) {
        throw malformed('delegation targets must be an array of principals');
      }
      if (rawTargets.length > MAX_DELEGATION_TARGETS) {
        throw new IngressError(
          400,
          IngressErrorCode.INVALID_DELEGATION,
          `Invalid delegation: ${rawTargets.length} targets, at most ${MAX_DELEGATION_TARGETS} allowed`,
        );
      }
      targets = rawTargets as Uint8Array[];
    }
    return {
      map: delegation,
      pubkey: bytes(delegation, 'pubkey'),
      expirationNs: nat(delegation, 'expiration'),
      targets,
      signature: bytes(signed, 'signature'),
    };
  });
}

function verify(
  verifier: SignatureVerifier,
  key: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  what: string,
): void {
  try {
    verifier.verify(key, message, signature);
  } catch (error) {
    if (error instanceof CitadelError) {
      throw new IngressError(
        400,
        what === 'request'
          ? IngressErrorCode.INVALID_SIGNATURE
          : IngressErrorCode.INVALID_DELEGATION,
        what === 'request'
          ? `Invalid signature: ${error.message}`
          : `Invalid delegation: ${what}: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * Validates a decoded request envelope as the IC's ingress validator does: content shape,
 * request type, expiry window, sender ↔ public key, the request signature and the
 * delegation chain. Throws `IngressError` with the IC's status and wording.
 */
export function validateEnvelope(
  envelope: CborValue,
  params: ValidateEnvelopeParams,
): ValidatedRequest {
  if (!isCborMap(envelope)) {
    throw malformed('the envelope must be a CBOR map');
  }
  const rawContent = field(envelope, 'content');
  if (!isCborMap(rawContent)) {
    throw malformed("the envelope lacks a 'content' map");
  }
  const content = parseContent(rawContent);
  if (content.requestType !== params.endpoint) {
    throw new IngressError(
      400,
      IngressErrorCode.WRONG_REQUEST_TYPE,
      `Malformed request: request_type '${content.requestType}' sent to the ${params.endpoint} endpoint`,
    );
  }
  const requestId = requestIdOf(rawContent);
  const anonymous = bytesEqual(content.sender, ANONYMOUS_PRINCIPAL);
  // Anonymous queries and read_state requests skip the expiry check (interface spec 0.29+).
  if (!(anonymous && params.endpoint !== 'call')) {
    checkExpiry(content.ingressExpiryNs, params.nowNs);
  }
  const senderPubkey = field(envelope, 'sender_pubkey');
  const senderSig = field(envelope, 'sender_sig');
  const delegations = parseDelegations(field(envelope, 'sender_delegation'));
  if (anonymous) {
    if (senderPubkey !== undefined || senderSig !== undefined || delegations.length > 0) {
      throw new IngressError(
        400,
        IngressErrorCode.ANONYMOUS_SIGNED,
        'Signature is not allowed for the anonymous user.',
      );
    }
    return { requestId, sender: content.sender, content, targets: null };
  }
  if (!(senderPubkey instanceof Uint8Array) || !(senderSig instanceof Uint8Array)) {
    throw new IngressError(
      400,
      IngressErrorCode.MISSING_SIGNATURE,
      `Missing signature from user: ${principalToText(content.sender)}`,
    );
  }
  if (!bytesEqual(selfAuthenticatingPrincipal(senderPubkey), content.sender)) {
    throw new IngressError(
      400,
      IngressErrorCode.SENDER_KEY_MISMATCH,
      `The user id '${principalToText(content.sender)}' does not match the public key '${Buffer.from(senderPubkey).toString('hex')}'`,
    );
  }
  // Every key in the chain must be distinct: cycles and self-delegation are refused.
  const seen = new Set<string>([Buffer.from(senderPubkey).toString('hex')]);
  let signingKey = senderPubkey;
  let targets: Uint8Array[] | null = null;
  for (const [i, delegation] of delegations.entries()) {
    const keyHex = Buffer.from(delegation.pubkey).toString('hex');
    if (seen.has(keyHex)) {
      throw new IngressError(
        400,
        IngressErrorCode.INVALID_DELEGATION,
        `Invalid delegation: public key of delegation ${i + 1} appears twice in the chain`,
      );
    }
    seen.add(keyHex);
    if (delegation.expirationNs < params.nowNs) {
      throw new IngressError(
        400,
        IngressErrorCode.DELEGATION_EXPIRED,
        `Invalid delegation expiry: delegation ${i + 1} expired at ${iso(delegation.expirationNs)}, now is ${iso(params.nowNs)}`,
      );
    }
    verify(
      params.verifier,
      signingKey,
      domainSeparated('ic-request-auth-delegation', hashOfMap(delegation.map)),
      delegation.signature,
      `signature of delegation ${i + 1}`,
    );
    if (delegation.targets) {
      targets = targets
        ? targets.filter((t) => delegation.targets?.some((d) => bytesEqual(d, t)))
        : delegation.targets;
    }
    signingKey = delegation.pubkey;
  }
  verify(
    params.verifier,
    signingKey,
    domainSeparated('ic-request', requestId),
    senderSig,
    'request',
  );
  if (targets && content.requestType !== 'read_state') {
    // Management calls are checked against the effective canister id they act on.
    const target =
      content.canisterId.length === 0 ? params.effectiveCanisterId : content.canisterId;
    if (!targets.some((t) => bytesEqual(t, target))) {
      throw new IngressError(
        403,
        IngressErrorCode.NOT_A_DELEGATION_TARGET,
        `Canister '${principalToText(target)}' is not one of the delegation targets.`,
      );
    }
  }
  return { requestId, sender: content.sender, content, targets };
}
