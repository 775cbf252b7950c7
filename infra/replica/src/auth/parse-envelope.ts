import { PRINCIPAL_MAX_BYTES, isCborMap } from '@citadel/protocol';
import type { CborMap, CborValue } from '@citadel/protocol';

import { IngressError, IngressErrorCode } from './errors.js';
import { MAX_LABELS_PER_PATH, MAX_READ_STATE_PATHS } from './limits.js';
import type { IngressEndpoint, RequestContent } from './types.js';

/** One `sender_delegation` entry (interface spec "Authentication"). */
export interface SignedDelegation {
  /** DER public key the delegation hands authority to. */
  readonly pubkey: Uint8Array;
  readonly expirationNs: bigint;
  /** Canisters the delegation is limited to; null when absent (unrestricted). */
  readonly targets: readonly Uint8Array[] | null;
  /** Newest spec: 'all' (default) or 'queries'; undefined when absent. */
  readonly permissions: string | undefined;
  /** The `delegation` map exactly as received: its hash_of_map is what was signed. */
  readonly map: CborMap;
  /** Signature by the previous key in the chain. */
  readonly signature: Uint8Array;
}

/** An envelope taken apart, before any semantic check. */
export interface ParsedEnvelope {
  /** The content map exactly as received, for the request id. */
  readonly contentMap: CborMap;
  readonly content: RequestContent;
  readonly senderPubkey: Uint8Array | undefined;
  readonly senderSig: Uint8Array | undefined;
  readonly delegations: readonly SignedDelegation[] | undefined;
}

const U64_MAX = (1n << 64n) - 1n;

/** What the IC calls each body in its "Could not parse body as …" errors (IC http_endpoints). */
const BODY_NAMES: Readonly<Record<IngressEndpoint, string>> = {
  call: 'call message',
  query: 'query message',
  read_state: 'read request',
};

/**
 * Reads an envelope's structure (interface spec "Envelope", digest §2.1): field presence and
 * CBOR types, sizes of principals, and `request_type` against the endpoint. CBOR `undefined`
 * counts as absent, as the agent writes absent optional fields that way (digest pitfall 10).
 * Returned byte strings are copies: the decoder hands out views into the request body, and
 * consumers such as the Candid decoder read `.buffer` whole. Semantic checks (expiry,
 * signatures, limits) are left to `validateEnvelope`.
 */
export function parseEnvelope(envelope: CborValue, endpoint: IngressEndpoint): ParsedEnvelope {
  const fail = (reason: string, code: IngressErrorCode = IngressErrorCode.MALFORMED) =>
    new IngressError(
      'protocol',
      code,
      `Could not parse body as ${BODY_NAMES[endpoint]}: ${reason}.`,
      {
        endpoint,
      },
    );
  if (!isCborMap(envelope)) {
    throw fail('the envelope must be a CBOR map with a content field');
  }
  const contentMap = envelope['content'];
  if (contentMap === undefined || !isCborMap(contentMap)) {
    throw fail('the envelope needs a content map');
  }
  const senderPubkey = optionalBytes(envelope, 'sender_pubkey', fail);
  const senderSig = optionalBytes(envelope, 'sender_sig', fail);
  const rawDelegations = envelope['sender_delegation'];
  let delegations: SignedDelegation[] | undefined;
  if (rawDelegations !== undefined) {
    if (!Array.isArray(rawDelegations)) {
      throw fail('sender_delegation must be an array');
    }
    delegations = (rawDelegations as readonly CborValue[]).map((entry, i) =>
      parseSignedDelegation(entry, `sender_delegation[${i}]`, fail),
    );
  }
  return {
    contentMap,
    content: parseContent(contentMap, endpoint, fail),
    senderPubkey,
    senderSig,
    delegations,
  };
}

type Fail = (reason: string, code?: IngressErrorCode) => IngressError;

function parseContent(map: CborMap, endpoint: IngressEndpoint, fail: Fail): RequestContent {
  const requestType = map['request_type'];
  if (typeof requestType !== 'string') {
    throw fail('content.request_type must be text');
  }
  if (requestType !== endpoint) {
    throw fail(
      `content.request_type is "${requestType}" but this is the ${endpoint} endpoint (expected "${endpoint}")`,
      IngressErrorCode.WRONG_REQUEST_TYPE,
    );
  }
  const sender = principal(map, 'sender', fail);
  const ingressExpiryNs = nat64(map, 'ingress_expiry', (reason) => fail(`content.${reason}`));
  const nonce = optionalBytes(map, 'nonce', fail);
  const common = { sender, ingressExpiryNs, ...(nonce === undefined ? {} : { nonce }) };
  if (requestType === 'read_state') {
    const paths = map['paths'];
    if (!Array.isArray(paths)) {
      throw fail('content.paths must be an array of paths');
    }
    const checked = (paths as readonly CborValue[]).map((path, i) => {
      if (
        !Array.isArray(path) ||
        !(path as readonly CborValue[]).every((label) => label instanceof Uint8Array)
      ) {
        throw fail(`content.paths[${i}] must be an array of byte-string labels`);
      }
      return path as Uint8Array[];
    });
    // Paths over the limits stay views: validateEnvelope refuses them next, and copying a
    // 2 MiB body of empty labels one by one would block the network for seconds.
    const withinLimits =
      checked.length <= MAX_READ_STATE_PATHS &&
      checked.every((path) => path.length <= MAX_LABELS_PER_PATH);
    return {
      requestType,
      ...common,
      paths: withinLimits ? checked.map((path) => path.map((label) => label.slice())) : checked,
    };
  }
  const canisterId = principal(map, 'canister_id', fail);
  const methodName = map['method_name'];
  if (typeof methodName !== 'string') {
    throw fail('content.method_name must be text');
  }
  const arg = map['arg'];
  if (!(arg instanceof Uint8Array)) {
    throw fail('content.arg must be a byte string');
  }
  return {
    requestType: requestType === 'call' ? 'call' : 'query',
    ...common,
    canisterId,
    methodName,
    arg: arg.slice(),
  };
}

function parseSignedDelegation(entry: CborValue, where: string, fail: Fail): SignedDelegation {
  if (!isCborMap(entry)) {
    throw fail(`${where} must be a map of delegation and signature`);
  }
  const map = entry['delegation'];
  const signature = entry['signature'];
  if (map === undefined || !isCborMap(map) || !(signature instanceof Uint8Array)) {
    throw fail(`${where} needs a delegation map and a signature byte string`);
  }
  const pubkey = map['pubkey'];
  if (!(pubkey instanceof Uint8Array)) {
    throw fail(`${where}.delegation.pubkey must be a byte string`);
  }
  const expirationNs = nat64(map, 'expiration', (reason) => fail(`${where}.delegation: ${reason}`));
  const rawTargets = map['targets'];
  let targets: Uint8Array[] | null = null;
  if (rawTargets !== undefined) {
    if (
      !Array.isArray(rawTargets) ||
      !(rawTargets as readonly CborValue[]).every((t) => t instanceof Uint8Array)
    ) {
      throw fail(`${where}.delegation.targets must be an array of principal byte strings`);
    }
    targets = (rawTargets as readonly Uint8Array[]).map((target) => target.slice());
  }
  const permissions = map['permissions'];
  if (permissions !== undefined && typeof permissions !== 'string') {
    throw fail(`${where}.delegation.permissions must be text`);
  }
  return { pubkey, expirationNs, targets, permissions, map, signature };
}

function optionalBytes(
  map: CborMap,
  key: string,
  fail: (reason: string) => IngressError,
): Uint8Array | undefined {
  const value = map[key];
  if (value === undefined) {
    return undefined;
  }
  if (!(value instanceof Uint8Array)) {
    throw fail(`${key} must be a byte string`);
  }
  return value.slice();
}

function principal(map: CborMap, key: string, fail: (reason: string) => IngressError): Uint8Array {
  const value = map[key];
  if (!(value instanceof Uint8Array) || value.length > PRINCIPAL_MAX_BYTES) {
    throw fail(
      `content.${key} must be a principal: a byte string of at most ${PRINCIPAL_MAX_BYTES} bytes`,
    );
  }
  return value.slice();
}

function nat64(map: CborMap, key: string, fail: (reason: string) => IngressError): bigint {
  const value = map[key];
  const asBigInt =
    typeof value === 'bigint'
      ? value
      : typeof value === 'number' && Number.isSafeInteger(value)
        ? BigInt(value)
        : null;
  if (asBigInt === null || asBigInt < 0n || asBigInt > U64_MAX) {
    throw fail(`${key} must be a natural number below 2^64 (nanoseconds since the epoch)`);
  }
  return asBigInt;
}
