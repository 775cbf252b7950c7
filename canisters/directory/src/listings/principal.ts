import { Principal } from '@dfinity/principal';

/**
 * Principals as the directory handles them: bytes, keyed as strings in heap maps, and
 * rendered as text only when a listing is written (for search and order) or refused.
 */

/** The anonymous principal (interface spec, "Special forms of principals"). */
const ANONYMOUS = 0x04;
/** The last byte of an opaque id, the form of every canister id (same section). */
const OPAQUE = 0x01;
/** The most bytes a principal has. */
const PRINCIPAL_BYTES_MAX = 29;

export function isAnonymous(principal: Uint8Array): boolean {
  return principal.length === 1 && principal[0] === ANONYMOUS;
}

/** Whether `principal` has the form of a canister id: an opaque id of at most 29 bytes. */
export function isCanisterId(principal: Uint8Array): boolean {
  return principal.length <= PRINCIPAL_BYTES_MAX && principal[principal.length - 1] === OPAQUE;
}

/** A principal's bytes as a string (one character a byte), to key maps by. */
export function keyOf(principal: Uint8Array): string {
  return String.fromCharCode(...principal);
}

/** The textual form (`aaaaa-aa`, `ryjl3-tyaaa-aaaaa-aaaba-cai`). */
export function principalText(principal: Uint8Array): string {
  return Principal.fromUint8Array(principal).toText();
}
