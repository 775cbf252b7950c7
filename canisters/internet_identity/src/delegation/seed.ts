import { sha256 } from '@noble/hashes/sha2.js';

const ascii = new TextEncoder();

/**
 * The seed of an anchor's key for one frontend (II §3.5, the real II's `calculate_seed`):
 * `sha256(len ‖ salt ‖ len ‖ decimal(anchor) ‖ len ‖ frontend)`, each `len` one byte. The
 * salt makes principals unguessable; the frontend (its UTF-8) makes them differ per dApp.
 * @example deriveSeed(salt, 10_000n, utf8('http://localhost:5173'))
 */
export function deriveSeed(salt: Uint8Array, anchor: bigint, frontend: Uint8Array): Uint8Array {
  const anchorText = ascii.encode(anchor.toString());
  if (salt.length > 255 || frontend.length > 255) {
    throw new RangeError('the salt and the frontend hostname must each be at most 255 bytes');
  }
  const blob = new Uint8Array(3 + salt.length + anchorText.length + frontend.length);
  let offset = 0;
  for (const part of [salt, anchorText, frontend]) {
    blob[offset++] = part.length;
    blob.set(part, offset);
    offset += part.length;
  }
  return sha256(blob);
}
