import {
  ANONYMOUS_PRINCIPAL,
  CitadelError,
  DomainSeparator,
  bytesEqual,
  domainSeparated,
  principalToText,
  requestIdOf,
  selfAuthenticatingPrincipal,
} from '@citadel/protocol';
import type { CborMap, CborValue, RequestId } from '@citadel/protocol';

import { verifyDelegationChain } from './delegation-chain.js';
import { IngressError, IngressErrorCode } from './errors.js';
import { assertIngressExpiry } from './ingress-expiry.js';
import { exceedsItemBudget } from './item-budget.js';
import { MAX_LABELS_PER_PATH, MAX_READ_STATE_PATHS } from './limits.js';
import { parseEnvelope } from './parse-envelope.js';
import type { ParsedEnvelope } from './parse-envelope.js';
import type { ValidateEnvelopeParams, ValidatedRequest } from './types.js';

/** Largest update-call payload (argument plus method name): 2 MiB, the IC ingress limit. */
export const MAX_INGRESS_BYTES_PER_MESSAGE = 2 * 1024 * 1024;
/** Longest nonce, 32 bytes (interface spec "Request content"). */
export const MAX_NONCE_BYTES = 32;
export { MAX_LABELS_PER_PATH, MAX_READ_STATE_PATHS } from './limits.js';
/**
 * Most CBOR items in a request's content: what 1000 read_state paths of 127 labels need,
 * plus room for the fixed fields. The request id costs one SHA-256 per item, so without this
 * bound a 2 MiB body of fields the spec does not define blocks the network for seconds.
 */
export const MAX_CONTENT_ITEMS = MAX_READ_STATE_PATHS * (MAX_LABELS_PER_PATH + 1) + 64;

/**
 * Validates an ingress envelope with the IC's rules (IC validator ingress_validation.rs;
 * digest §2 and §3.4) and returns the authenticated request. Order of checks: structure and
 * `request_type`, read_state path limits, content size in CBOR items (before any hashing),
 * call size, `ingress_expiry` (skipped for anonymous queries and read_state, spec ≥ 0.29),
 * nonce size, anonymous vs signed, sender ↔ key,
 * delegation chain, request signature over `0x0A "ic-request" ‖ request_id`, and for call and
 * query the delegation targets. Throws an {@link IngressError} carrying the IC's HTTP status
 * and message.
 * @example
 * const request = validateEnvelope(decodeCbor(body), {
 *   endpoint: 'call', nowNs, effectiveCanisterId, verifier: createSignatureVerifier(),
 * });
 */
export function validateEnvelope(
  envelope: CborValue,
  params: ValidateEnvelopeParams,
): ValidatedRequest {
  const { endpoint, nowNs } = params;
  const parsed = parseEnvelope(envelope, endpoint);
  const { content } = parsed;
  // Limits on the size of the content come before the request id, whose cost grows with it.
  if (content.requestType === 'read_state') {
    assertPathLimits(content.paths);
  }
  if (exceedsItemBudget(parsed.contentMap, MAX_CONTENT_ITEMS)) {
    throw new IngressError(
      'limit',
      IngressErrorCode.TOO_MANY_ITEMS,
      `The request content holds more than ${MAX_CONTENT_ITEMS} CBOR items, more than any request within the limits needs; send only the fields of the interface spec.`,
    );
  }
  const requestId = computeRequestId(parsed.contentMap, endpoint);
  if (content.requestType === 'call') {
    const bytes = content.arg.length + new TextEncoder().encode(content.methodName).length;
    if (bytes > MAX_INGRESS_BYTES_PER_MESSAGE) {
      throw new IngressError(
        'limit',
        IngressErrorCode.MESSAGE_TOO_LARGE,
        `Request ${toHex(requestId)} is too large. Message byte size ${bytes} is larger than the max allowed ${MAX_INGRESS_BYTES_PER_MESSAGE}.`,
        { bytes },
        { httpStatus: 413 },
      );
    }
  }
  const anonymous = bytesEqual(content.sender, ANONYMOUS_PRINCIPAL);
  // Spec 0.29: anonymous queries and read_state need no expiry, so unsynced clients can read.
  if (!(anonymous && content.requestType !== 'call')) {
    assertIngressExpiry(content.ingressExpiryNs, nowNs);
  }
  if (content.nonce !== undefined && content.nonce.length > MAX_NONCE_BYTES) {
    throw new IngressError(
      'limit',
      IngressErrorCode.NONCE_TOO_BIG,
      `Nonce in request is too big: got ${content.nonce.length} bytes, but at most ${MAX_NONCE_BYTES} are allowed.`,
    );
  }
  const targets = authenticate(parsed, requestId, anonymous, params);
  if (content.requestType !== 'read_state' && targets !== null) {
    // Management calls name the empty principal; the canister they act on is the effective id.
    const target =
      content.canisterId.length === 0 ? params.effectiveCanisterId : content.canisterId;
    if (!targets.some((allowed) => bytesEqual(allowed, target))) {
      throw new IngressError(
        'trust',
        IngressErrorCode.NOT_A_DELEGATION_TARGET,
        `Canister '${principalToText(target)}' is not one of the delegation targets.`,
        { canisterId: target },
      );
    }
  }
  return { requestId, sender: content.sender, content, targets };
}

/** Checks who sent the request; returns the delegation targets (null = unrestricted). */
function authenticate(
  parsed: ParsedEnvelope,
  requestId: RequestId,
  anonymous: boolean,
  params: ValidateEnvelopeParams,
): readonly Uint8Array[] | null {
  const { senderPubkey, senderSig, delegations, content } = parsed;
  if (senderPubkey === undefined && senderSig === undefined && delegations === undefined) {
    if (anonymous) {
      return null;
    }
    throw new IngressError(
      'trust',
      IngressErrorCode.MISSING_SIGNATURE,
      `Missing signature from user: ${principalToText(content.sender)}`,
      { sender: content.sender },
    );
  }
  if (senderPubkey === undefined || senderSig === undefined) {
    throw new IngressError(
      'protocol',
      IngressErrorCode.MALFORMED,
      `Could not parse body as ${params.endpoint === 'read_state' ? 'read request' : `${params.endpoint} message`}: invalid combination of pubkey and signature; send sender_pubkey and sender_sig together (sender_delegation only with both).`,
    );
  }
  if (anonymous) {
    throw new IngressError(
      'trust',
      IngressErrorCode.ANONYMOUS_SIGNED,
      'Signature is not allowed for the anonymous user.',
    );
  }
  if (!bytesEqual(selfAuthenticatingPrincipal(senderPubkey), content.sender)) {
    throw new IngressError(
      'trust',
      IngressErrorCode.SENDER_KEY_MISMATCH,
      `The user id '${principalToText(content.sender)}' does not match the public key '${toHex(senderPubkey)}'`,
      { sender: content.sender },
    );
  }
  const chain = verifyDelegationChain({
    senderPubkey,
    delegations: delegations ?? [],
    nowNs: params.nowNs,
    verifier: params.verifier,
  });
  if (chain.queriesOnly && params.endpoint === 'call') {
    throw new IngressError(
      'trust',
      IngressErrorCode.DELEGATION_NOT_PERMITTED,
      'Invalid delegation: the delegation chain is limited to queries (permissions "queries") and cannot authorize update calls.',
    );
  }
  try {
    params.verifier.verify(
      chain.signingKeyDer,
      domainSeparated(DomainSeparator.REQUEST, requestId),
      senderSig,
    );
  } catch (error) {
    if (error instanceof CitadelError) {
      throw new IngressError(
        'trust',
        IngressErrorCode.INVALID_SIGNATURE,
        `Invalid signature: ${error.message} (${error.code})`,
        { code: error.code },
        { cause: error },
      );
    }
    throw error;
  }
  return chain.targets;
}

function assertPathLimits(paths: readonly (readonly Uint8Array[])[]): void {
  if (paths.length > MAX_READ_STATE_PATHS) {
    throw new IngressError(
      'limit',
      IngressErrorCode.TOO_MANY_PATHS,
      `Too many paths in read state request: got ${paths.length} paths, but at most ${MAX_READ_STATE_PATHS} are allowed.`,
    );
  }
  const deepest = paths.reduce((max, path) => Math.max(max, path.length), 0);
  if (deepest > MAX_LABELS_PER_PATH) {
    throw new IngressError(
      'limit',
      IngressErrorCode.PATH_TOO_LONG,
      `At least one path in read state request is too deep: got ${deepest} labels, but at most ${MAX_LABELS_PER_PATH} are allowed.`,
    );
  }
}

/** hash_of_map of the content as received; fields without a defined hash make it malformed. */
function computeRequestId(contentMap: CborMap, endpoint: string): RequestId {
  try {
    return requestIdOf(contentMap);
  } catch (error) {
    if (error instanceof CitadelError) {
      throw new IngressError(
        'protocol',
        IngressErrorCode.MALFORMED,
        `Could not parse body as ${endpoint === 'read_state' ? 'read request' : `${endpoint} message`}: ${error.message}`,
        {},
        { cause: error },
      );
    }
    throw error;
  }
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
