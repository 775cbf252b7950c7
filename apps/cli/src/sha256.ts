import { createHash } from 'node:crypto';

/** The SHA-256 of `bytes`, as the canister interfaces carry hashes. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
