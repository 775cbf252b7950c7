import {
  CitadelError,
  DomainSeparator,
  PRINCIPAL_MAX_BYTES,
  domainSeparated,
  hashOfMap,
} from '@citadel/protocol';
import type { SignatureVerifier } from '@citadel/protocol';

import { IngressError, IngressErrorCode } from './errors.js';
import { formatTimeNs } from './ingress-expiry.js';
import { exceedsItemBudget } from './item-budget.js';
import type { SignedDelegation } from './parse-envelope.js';

/** At most 20 delegations per request (interface spec "Authentication"; IC validator). */
export const MAX_DELEGATIONS = 20;
/** At most 1000 targets per delegation (same sources). */
export const MAX_TARGETS_PER_DELEGATION = 1000;
/**
 * Most CBOR items in one `delegation` map: 1000 targets plus room for the fixed fields. Its
 * hash costs one SHA-256 per item, and is taken before its signature can be checked.
 */
export const MAX_DELEGATION_ITEMS = MAX_TARGETS_PER_DELEGATION + 64;

/** Parameters of {@link verifyDelegationChain}. */
export interface VerifyDelegationChainParams {
  /** The envelope's `sender_pubkey`: the chain's root, from which the sender principal derives. */
  readonly senderPubkey: Uint8Array;
  readonly delegations: readonly SignedDelegation[];
  readonly nowNs: bigint;
  readonly verifier: Pick<SignatureVerifier, 'verify'>;
}

/** What a valid chain grants. */
export interface DelegationChainResult {
  /** The key that must sign the request: the last delegation's `pubkey`, or `senderPubkey`. */
  readonly signingKeyDer: Uint8Array;
  /** Intersection of all `targets`; null when no delegation restricts them. */
  readonly targets: readonly Uint8Array[] | null;
  /** True when some delegation is limited to `permissions: "queries"`. */
  readonly queriesOnly: boolean;
}

/**
 * Verifies a delegation chain the way the IC validator does (digest §3.4), in its order:
 * length ≤ 20, no expired delegation, no public key twice in [sender_pubkey, d1.pubkey, …],
 * ≤ 1000 targets each, then each signature — d1 by sender_pubkey, d(i+1) by d(i).pubkey, over
 * `0x1A "ic-request-auth-delegation" ‖ hash_of_map(delegation)` — intersecting targets.
 * Throws an IngressError (400) with the IC's message.
 */
export function verifyDelegationChain(params: VerifyDelegationChainParams): DelegationChainResult {
  const { senderPubkey, delegations, nowNs, verifier } = params;
  if (delegations.length > MAX_DELEGATIONS) {
    throw invalidDelegation(
      IngressErrorCode.TOO_MANY_DELEGATIONS,
      `Chain of delegations is too long: got ${delegations.length} delegations, but at most ${MAX_DELEGATIONS} are allowed.`,
      'limit',
    );
  }
  for (const delegation of delegations) {
    if (delegation.expirationNs < nowNs) {
      throw new IngressError(
        'trust',
        IngressErrorCode.DELEGATION_EXPIRED,
        `Invalid delegation expiry: Specified sender delegation has expired: Provided expiry: ${formatTimeNs(delegation.expirationNs)}, Local replica time: ${formatTimeNs(nowNs)}`,
        { expirationNs: delegation.expirationNs, nowNs },
      );
    }
  }
  const seenKeys = new Set<string>([toHex(senderPubkey)]);
  for (const delegation of delegations) {
    const key = toHex(delegation.pubkey);
    if (seenKeys.has(key)) {
      throw invalidDelegation(
        IngressErrorCode.DELEGATION_CYCLE,
        `Chain of delegations contains at least one cycle: first repeating public key encountered ${key}`,
      );
    }
    seenKeys.add(key);
  }
  for (const delegation of delegations) {
    if (delegation.targets !== null && delegation.targets.length > MAX_TARGETS_PER_DELEGATION) {
      throw invalidDelegation(
        IngressErrorCode.TOO_MANY_TARGETS,
        `Delegation target error: expected at most ${MAX_TARGETS_PER_DELEGATION} targets per delegation, but got ${delegation.targets.length}`,
        'limit',
      );
    }
  }
  for (const [i, delegation] of delegations.entries()) {
    if (exceedsItemBudget(delegation.map, MAX_DELEGATION_ITEMS)) {
      throw invalidDelegation(
        IngressErrorCode.TOO_MANY_ITEMS,
        `delegation ${i + 1} holds more than ${MAX_DELEGATION_ITEMS} CBOR items; a delegation has pubkey, expiration, at most ${MAX_TARGETS_PER_DELEGATION} targets and permissions.`,
        'limit',
      );
    }
  }

  let signingKeyDer = senderPubkey;
  let targets: Map<string, Uint8Array> | null = null;
  let queriesOnly = false;
  for (const [i, delegation] of delegations.entries()) {
    const message = domainSeparated(
      DomainSeparator.REQUEST_AUTH_DELEGATION,
      hashOfMap(delegation.map),
    );
    try {
      verifier.verify(signingKeyDer, message, delegation.signature);
    } catch (error) {
      if (error instanceof CitadelError) {
        // The verifier's code (PROTO_SIG_*, PROTO_CANISTER_SIG_*, PROTO_KEY_*) names the exact
        // check; it rides along in the text because HTTP clients only see the text.
        throw invalidDelegation(
          IngressErrorCode.INVALID_DELEGATION,
          `delegation ${i + 1} of ${delegations.length}: ${error.message} (${error.code})`,
          'trust',
          error,
          { code: error.code },
        );
      }
      throw error;
    }
    if (delegation.permissions !== undefined && delegation.permissions !== 'all') {
      if (delegation.permissions !== 'queries') {
        throw invalidDelegation(
          IngressErrorCode.INVALID_DELEGATION,
          `delegation ${i + 1} has unknown permissions "${delegation.permissions}"; expected "all" or "queries"`,
        );
      }
      queriesOnly = true;
    }
    if (delegation.targets !== null) {
      targets = intersect(targets, delegation.targets, i);
    }
    signingKeyDer = delegation.pubkey;
  }
  return { signingKeyDer, targets: targets === null ? null : [...targets.values()], queriesOnly };
}

/** Targets keyed by hex, so intersecting 20 × 1000 targets stays linear. */
function intersect(
  current: Map<string, Uint8Array> | null,
  next: readonly Uint8Array[],
  index: number,
): Map<string, Uint8Array> {
  const incoming = new Map<string, Uint8Array>();
  for (const target of next) {
    if (target.length > PRINCIPAL_MAX_BYTES) {
      throw invalidDelegation(
        IngressErrorCode.INVALID_DELEGATION,
        `Delegation target error: delegation ${index + 1} has a target of ${target.length} bytes; principals have at most ${PRINCIPAL_MAX_BYTES}`,
      );
    }
    incoming.set(toHex(target), target);
  }
  if (current === null) {
    return incoming;
  }
  return new Map([...current].filter(([key]) => incoming.has(key)));
}

function invalidDelegation(
  code: IngressErrorCode,
  reason: string,
  kind: 'trust' | 'limit' = 'trust',
  cause?: unknown,
  details: Record<string, unknown> = {},
): IngressError {
  return new IngressError(kind, code, `Invalid delegation: ${reason}`, details, { cause });
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
