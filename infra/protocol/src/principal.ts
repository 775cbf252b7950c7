import { Principal } from '@dfinity/principal';
import { sha224 } from '@noble/hashes/sha2.js';

import { compareBytes } from './byte-order.js';
import { CitadelError } from './errors.js';

/** Stable codes of principal failures. */
export const PrincipalErrorCode = {
  /** Text that is not a canonical principal, or bytes longer than 29. */
  INVALID: 'PROTO_PRINCIPAL_INVALID',
  /** A canister index outside [0, 2^64 - 1]. */
  INVALID_CANISTER_INDEX: 'PROTO_PRINCIPAL_INVALID_CANISTER_INDEX',
} as const;

/** Principals are at most 29 bytes (interface spec "Principals"). */
export const PRINCIPAL_MAX_BYTES = 29;

/** The anonymous principal, `2vxsx-fae` (interface spec "Special forms of principals"). */
export const ANONYMOUS_PRINCIPAL: Uint8Array = new Uint8Array([0x04]);

/** The management canister `aaaaa-aa`: the empty blob. */
export const MANAGEMENT_CANISTER_ID: Uint8Array = new Uint8Array(0);

const MAX_CANISTER_INDEX = (1n << 64n) - 1n;
/** Canonical text is lower-case base32 in dash-separated groups of five (at most 63 chars). */
const PRINCIPAL_TEXT = /^[a-z2-7]{1,5}(-[a-z2-7]{1,5})*$/;

/**
 * The opaque id of the canister with the given index: 8-byte big-endian index ‖ `0x01 0x01`
 * (the IC's canister-id layout; index 1 is `rrkah-fqaaa-aaaaa-aaaaq-cai`).
 */
export function canisterIdFromIndex(index: bigint): Uint8Array {
  if (index < 0n || index > MAX_CANISTER_INDEX) {
    throw new CitadelError(
      'input',
      PrincipalErrorCode.INVALID_CANISTER_INDEX,
      `Canister index ${index} is outside [0, 2^64 - 1].`,
      { index },
    );
  }
  const id = new Uint8Array(10);
  new DataView(id.buffer).setBigUint64(0, index);
  id[8] = 0x01;
  id[9] = 0x01;
  return id;
}

/**
 * The self-authenticating principal of a DER-encoded public key: `sha224(der) ‖ 0x02`
 * (interface spec "Special forms of principals").
 */
export function selfAuthenticatingPrincipal(derPublicKey: Uint8Array): Uint8Array {
  const id = new Uint8Array(29);
  id.set(sha224(derPublicKey));
  id[28] = 0x02;
  return id;
}

/** Textual form of a principal (CRC-32 ‖ bytes, base32, dash-grouped). */
export function principalToText(principal: Uint8Array): string {
  assertPrincipalLength(principal);
  return Principal.fromUint8Array(principal).toText();
}

/** Parses the canonical textual form of a principal into its bytes. */
export function principalFromText(text: string): Uint8Array {
  if (text.length > 63 || !PRINCIPAL_TEXT.test(text)) {
    throw invalidText(text);
  }
  let bytes: Uint8Array;
  try {
    bytes = Principal.fromText(text).toUint8Array();
  } catch (error) {
    throw invalidText(text, error);
  }
  assertPrincipalLength(bytes);
  return bytes;
}

/**
 * Orders principals bytewise with a proper prefix first, the order of canister ranges
 * (same as `Principal.compareTo`). Returns -1, 0 or 1.
 */
export function comparePrincipals(a: Uint8Array, b: Uint8Array): number {
  return compareBytes(a, b);
}

function invalidText(text: string, cause?: unknown): CitadelError {
  return new CitadelError(
    'input',
    PrincipalErrorCode.INVALID,
    `${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)} is not a valid principal: expected lower-case dash-separated base32 with a correct checksum, such as "aaaaa-aa" or "rrkah-fqaaa-aaaaa-aaaaq-cai".`,
    { text },
    cause === undefined ? undefined : { cause },
  );
}

function assertPrincipalLength(principal: Uint8Array): void {
  if (principal.length > PRINCIPAL_MAX_BYTES) {
    throw new CitadelError(
      'input',
      PrincipalErrorCode.INVALID,
      `A principal has at most ${PRINCIPAL_MAX_BYTES} bytes, got ${principal.length}.`,
      { length: principal.length },
    );
  }
}
