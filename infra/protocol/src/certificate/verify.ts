import { bytesEqual } from '../byte-order.js';
import { decodeCbor } from '../cbor/decode.js';
import type { CborValue } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import { lookupPath } from '../hash-tree/lookup.js';
import { reconstruct } from '../hash-tree/reconstruct.js';
import type { HashTree } from '../hash-tree/types.js';
import { isWellFormedHashTree } from '../hash-tree/well-formed.js';
import { decodeLeb128 } from '../leb128.js';
import { comparePrincipals, principalToText } from '../principal.js';
import { decodeCertificate } from './codec.js';
import { CertificateErrorCode } from './errors.js';
import { stateRootMessage } from './state-root-message.js';
import type { Certificate, CertificateDelegation } from './types.js';

/**
 * Checks a BLS12-381 minimal-signature-size signature: 96-byte G2 public key, message,
 * 48-byte G1 signature (digest §4.3). Injected so browsers and tests can bring their own.
 */
export type BlsVerify = (
  publicKey96: Uint8Array,
  message: Uint8Array,
  signature48: Uint8Array,
) => boolean;

/** Options of {@link verifyCertificateAuthenticity}: who must have signed, not when. */
export interface VerifyCertificateAuthenticityOptions {
  /** The 133-byte DER root public key (what `/api/v2/status` returns as `root_key`). */
  readonly rootKeyDer: Uint8Array;
  /** The BLS verifier. */
  readonly blsVerify: BlsVerify;
  /**
   * The (effective) canister id the certificate is for; required when the certificate carries
   * a delegation, whose canister ranges must contain it.
   */
  readonly canisterId?: Uint8Array;
}

/** Options of {@link verifyCertificate}. */
export interface VerifyCertificateOptions extends VerifyCertificateAuthenticityOptions {
  /** The verifier's current time in nanoseconds since the epoch. */
  readonly nowNs: bigint;
  /**
   * How far `/time` may lie before or after `nowNs`.
   * @default 300_000_000_000n (5 minutes, as agent 3.4.3)
   */
  readonly maxSkewNs?: bigint;
}

/** Default {@link VerifyCertificateOptions.maxSkewNs}: 5 minutes. */
export const CERTIFICATE_MAX_SKEW_NS = 5n * 60n * 1_000_000_000n;

/**
 * Maximum age of a delegation certificate: 30 days. Agent 3.4.3 uses the same bound because
 * delegations are re-issued rarely (its certificate.ts).
 */
export const DELEGATION_MAX_AGE_NS = 30n * 24n * 60n * 60n * 1_000_000_000n;

/** DER SubjectPublicKeyInfo prefix of a BLS12-381 G2 key (digest §3.2). */
const BLS_KEY_DER_PREFIX = new Uint8Array([
  0x30, 0x81, 0x82, 0x30, 0x1d, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05,
  0x03, 0x01, 0x02, 0x01, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03,
  0x02, 0x01, 0x03, 0x61, 0x00,
]);
const BLS_PUBLIC_KEY_BYTES = 96;

/**
 * Decodes and fully verifies a certificate (interface spec "Certification"): well-formed tree,
 * delegation (depth ≤ 1, canister in the subnet's ranges, subnet key), BLS signature over the
 * reconstructed root, and `/time` within `maxSkewNs` of `nowNs`. Every failure is a
 * CitadelError of kind 'trust' with a PROTO_CERT_* code.
 * @example verifyCertificate(bytes, { rootKeyDer, nowNs, blsVerify, canisterId })
 */
export function verifyCertificate(
  bytes: Uint8Array,
  options: VerifyCertificateOptions,
): Certificate {
  const certificate = decodeCertificate(bytes);
  const maxSkewNs = options.maxSkewNs ?? CERTIFICATE_MAX_SKEW_NS;
  verifyDecoded(
    certificate,
    options,
    { nowNs: options.nowNs, maxAgeNs: maxSkewNs, maxFutureNs: maxSkewNs },
    'certificate',
  );
  return certificate;
}

/**
 * Verifies that a decoded certificate was signed by the network — well-formed tree, delegation
 * (depth ≤ 1, canister in the subnet's ranges, subnet key) and BLS signature — without looking
 * at `/time`. Canister signatures need exactly this: the interface spec ("Canister signatures")
 * sets no freshness bound on their certificates, only the delegation's expiration counts.
 * Failures are CitadelErrors of kind 'trust' with PROTO_CERT_* codes.
 * @example verifyCertificateAuthenticity(decodeCertificate(bytes), { rootKeyDer, blsVerify, canisterId })
 */
export function verifyCertificateAuthenticity(
  certificate: Certificate,
  options: VerifyCertificateAuthenticityOptions,
): void {
  verifyDecoded(certificate, options, null, 'certificate');
}

/** The window `/time` must fall in; null skips the time check. */
interface TimeBounds {
  readonly nowNs: bigint;
  readonly maxAgeNs: bigint;
  readonly maxFutureNs: bigint;
}

function verifyDecoded(
  certificate: Certificate,
  options: VerifyCertificateAuthenticityOptions,
  time: TimeBounds | null,
  what: string,
): void {
  if (!isWellFormedHashTree(certificate.tree)) {
    throw trustError(
      CertificateErrorCode.TREE_NOT_WELL_FORMED,
      `the ${what}'s tree has labels out of order or leaves beside labels`,
    );
  }
  const publicKeyDer =
    certificate.delegation === undefined
      ? options.rootKeyDer
      : delegatedKey(certificate.delegation, options, time);
  const publicKey =
    certificate.delegation === undefined
      ? extractBlsKey(publicKeyDer, CertificateErrorCode.INVALID_ROOT_KEY, 'the root key')
      : extractBlsKey(publicKeyDer, CertificateErrorCode.INVALID_DELEGATION, 'the subnet key');
  const message = stateRootMessage(reconstruct(certificate.tree));
  let valid: boolean;
  try {
    valid = options.blsVerify(publicKey, message, certificate.signature);
  } catch (error) {
    throw trustError(
      CertificateErrorCode.INVALID_SIGNATURE,
      `the ${what}'s BLS signature could not be checked: ${error instanceof Error ? error.message : String(error)}`,
      {},
      error,
    );
  }
  if (!valid) {
    throw trustError(
      CertificateErrorCode.INVALID_SIGNATURE,
      `the ${what}'s BLS signature does not match its tree and key; the response was altered or signed by another network`,
    );
  }
  if (time !== null) {
    checkTime(certificate.tree, time, what);
  }
}

/** Verifies the delegation certificate and returns the subnet's DER public key. */
function delegatedKey(
  delegation: CertificateDelegation,
  options: VerifyCertificateAuthenticityOptions,
  time: TimeBounds | null,
): Uint8Array {
  const inner = decodeCertificate(delegation.certificate);
  if (inner.delegation !== undefined) {
    throw trustError(
      CertificateErrorCode.TOO_MANY_DELEGATIONS,
      'the delegation certificate carries its own delegation; at most one level is allowed',
    );
  }
  verifyDecoded(
    inner,
    options,
    time === null ? null : { ...time, maxAgeNs: DELEGATION_MAX_AGE_NS },
    'delegation certificate',
  );
  const subnet = principalToText(delegation.subnetId);
  const canisterId = options.canisterId;
  if (canisterId === undefined) {
    throw trustError(
      CertificateErrorCode.CANISTER_ID_REQUIRED,
      `the certificate is delegated to subnet ${subnet}; pass canisterId so its canister ranges can be checked`,
    );
  }
  const rangesLeaf = lookupPath(inner.tree, ['subnet', delegation.subnetId, 'canister_ranges']);
  if (rangesLeaf.status !== 'found') {
    throw trustError(
      CertificateErrorCode.INVALID_DELEGATION,
      `the delegation certificate does not reveal /subnet/${subnet}/canister_ranges (lookup: ${rangesLeaf.status})`,
    );
  }
  const ranges = decodeRanges(rangesLeaf.value, subnet);
  const inRange = ranges.some(
    ([low, high]) =>
      comparePrincipals(low, canisterId) <= 0 && comparePrincipals(canisterId, high) <= 0,
  );
  if (!inRange) {
    throw trustError(
      CertificateErrorCode.CANISTER_NOT_IN_RANGES,
      `canister ${principalToText(canisterId)} is not in the canister ranges of subnet ${subnet}`,
      { canisterId, subnetId: delegation.subnetId },
    );
  }
  const key = lookupPath(inner.tree, ['subnet', delegation.subnetId, 'public_key']);
  if (key.status !== 'found') {
    throw trustError(
      CertificateErrorCode.INVALID_DELEGATION,
      `the delegation certificate does not reveal /subnet/${subnet}/public_key (lookup: ${key.status})`,
    );
  }
  return key.value;
}

/** Parses `canister_ranges`: CBOR `[[low, high], …]` of principal bytes (interface spec "Subnet information"). */
function decodeRanges(bytes: Uint8Array, subnet: string): (readonly [Uint8Array, Uint8Array])[] {
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (error) {
    throw trustError(
      CertificateErrorCode.INVALID_DELEGATION,
      `/subnet/${subnet}/canister_ranges is not valid CBOR`,
      {},
      error,
    );
  }
  if (!Array.isArray(value)) {
    throw invalidRanges(subnet);
  }
  return (value as readonly CborValue[]).map((range) => {
    if (
      !Array.isArray(range) ||
      range.length !== 2 ||
      !(range[0] instanceof Uint8Array) ||
      !(range[1] instanceof Uint8Array)
    ) {
      throw invalidRanges(subnet);
    }
    return [range[0], range[1]] as const;
  });
}

function invalidRanges(subnet: string): CitadelError {
  return trustError(
    CertificateErrorCode.INVALID_DELEGATION,
    `/subnet/${subnet}/canister_ranges must be a CBOR array of [low, high] principal pairs`,
  );
}

function extractBlsKey(der: Uint8Array, code: CertificateErrorCode, what: string): Uint8Array {
  const expected = BLS_KEY_DER_PREFIX.length + BLS_PUBLIC_KEY_BYTES;
  if (
    der.length !== expected ||
    !bytesEqual(der.subarray(0, BLS_KEY_DER_PREFIX.length), BLS_KEY_DER_PREFIX)
  ) {
    throw trustError(
      code,
      `${what} must be a ${expected}-byte DER-encoded BLS12-381 public key, got ${der.length} bytes${der.length === expected ? ' with the wrong algorithm prefix' : ''}`,
    );
  }
  return der.subarray(BLS_KEY_DER_PREFIX.length);
}

function checkTime(tree: HashTree, time: TimeBounds, what: string): void {
  const { nowNs, maxAgeNs, maxFutureNs } = time;
  const leaf = lookupPath(tree, ['time']);
  if (leaf.status !== 'found') {
    throw trustError(
      CertificateErrorCode.TIME_INVALID,
      `the ${what} does not reveal /time (lookup: ${leaf.status}); every certificate must`,
    );
  }
  let timeNs: bigint;
  try {
    timeNs = decodeLeb128(leaf.value);
  } catch (error) {
    throw trustError(
      CertificateErrorCode.TIME_INVALID,
      `the ${what}'s /time is not a LEB128 nat`,
      {},
      error,
    );
  }
  if (timeNs < nowNs - maxAgeNs) {
    throw trustError(
      CertificateErrorCode.TIME_TOO_OLD,
      `the ${what}'s /time is ${formatSeconds(nowNs - timeNs)} in the past (allowed: ${formatSeconds(maxAgeNs)}); the response is stale or the local clock is ahead`,
      { timeNs, nowNs },
    );
  }
  if (timeNs > nowNs + maxFutureNs) {
    throw trustError(
      CertificateErrorCode.TIME_IN_FUTURE,
      `the ${what}'s /time is ${formatSeconds(timeNs - nowNs)} in the future (allowed: ${formatSeconds(maxFutureNs)}); check the local clock`,
      { timeNs, nowNs },
    );
  }
}

function formatSeconds(ns: bigint): string {
  return `${Number(ns / 1_000_000n) / 1000} s`;
}

function trustError(
  code: CertificateErrorCode,
  reason: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): CitadelError {
  return new CitadelError(
    'trust',
    code,
    `Certificate rejected: ${reason}.`,
    details,
    cause === undefined ? undefined : { cause },
  );
}
