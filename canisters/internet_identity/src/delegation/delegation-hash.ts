import { DomainSeparator, compareBytes, domainSeparated, encodeLeb128 } from '@citadel/protocol';
import { sha256 } from '@noble/hashes/sha2.js';

/**
 * What a canister signature on a delegation covers (II §2.2, §3.2): the payload
 * `0x1A "ic-request-auth-delegation" ‖ hash_of_map({pubkey, expiration})` (59 bytes), whose
 * sha256 is the signature's label under `/sig/<sha256(seed)>/`. `targets` is never set: II's
 * delegations are valid for every canister, and an empty `targets` would mean none.
 */

const utf8 = new TextEncoder();
// The field names never change, so their hashes and their order are fixed: computing them
// once saves two of the ten SHA-256 blocks a payload costs (~7 M instructions each in QuickJS).
const PUBKEY = sha256(utf8.encode('pubkey'));
const EXPIRATION = sha256(utf8.encode('expiration'));
const PUBKEY_FIRST = compareBytes(PUBKEY, EXPIRATION) < 0;

/**
 * The representation-independent hash of `{pubkey, expiration}` (interface spec "Hash of
 * map"): the pairs `sha256(name) ‖ sha256(value)` sorted bytewise, concatenated, hashed; a
 * nat is hashed as its unsigned LEB128. Equal to `hashOfMap` of `@citadel/protocol` and
 * `requestIdOf` of `@dfinity/agent` for the same map (see the tests).
 */
export function delegationHash(sessionKey: Uint8Array, expirationNs: bigint): Uint8Array {
  const pairs = new Uint8Array(128);
  const [pubkeyAt, expirationAt] = PUBKEY_FIRST ? [0, 64] : [64, 0];
  pairs.set(PUBKEY, pubkeyAt);
  pairs.set(sha256(sessionKey), pubkeyAt + 32);
  pairs.set(EXPIRATION, expirationAt);
  pairs.set(sha256(encodeLeb128(expirationNs)), expirationAt + 32);
  return sha256(pairs);
}

/** The 59-byte payload a delegation's signature covers. */
export function delegationSignaturePayload(
  sessionKey: Uint8Array,
  expirationNs: bigint,
): Uint8Array {
  return domainSeparated(
    DomainSeparator.REQUEST_AUTH_DELEGATION,
    delegationHash(sessionKey, expirationNs),
  );
}

/** The label of a delegation's signature in the signature tree: sha256 of its payload. */
export function delegationMessageHash(sessionKey: Uint8Array, expirationNs: bigint): Uint8Array {
  return sha256(delegationSignaturePayload(sessionKey, expirationNs));
}
