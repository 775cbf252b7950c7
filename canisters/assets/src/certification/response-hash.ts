import { compareBytes, encodeLeb128 } from '@citadel/protocol';
import { sha256 } from '../crypto/sha256.js';

/**
 * Hashes of HTTP certification v2 (ic-http-certification `response_hash`): a response is
 * certified as `sha256(headers hash ‖ sha256(body))`, where the headers hash is the
 * representation-independent hash of its certified headers (names lowercased, repeats kept)
 * plus the pseudo-header `:ic-cert-status` holding the status code as a number.
 */

const utf8 = new TextEncoder();

/** A header as sent: name and value. */
export type HeaderField = readonly [name: string, value: string];

/**
 * The certified response hash of `status`, `headers` (exactly the certified ones) and `body`;
 * with `bodyIsHash`, `body` is already the body's SHA-256 (a large asset is never joined).
 */
export function responseHash(
  status: number,
  headers: readonly HeaderField[],
  body: Uint8Array,
  options: { readonly bodyIsHash?: boolean } = {},
): Uint8Array {
  const bodyHash = options.bodyIsHash === true ? body : sha256(body);
  return sha256(concat([headersHash(status, headers), bodyHash]));
}

function headersHash(status: number, headers: readonly HeaderField[]): Uint8Array {
  const pairs = headers.map(([name, value]) =>
    concat([sha256(utf8.encode(name.toLowerCase())), sha256(utf8.encode(value))]),
  );
  pairs.push(
    concat([sha256(utf8.encode(':ic-cert-status')), sha256(encodeLeb128(BigInt(status)))]),
  );
  pairs.sort(compareBytes);
  return sha256(concat(pairs));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
