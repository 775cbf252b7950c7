import { compareBytes, concatBytes, encodeLeb128 } from '@citadel/protocol';
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
  return sha256(concatBytes([headersHash(status, headers), bodyHash]));
}

function headersHash(status: number, headers: readonly HeaderField[]): Uint8Array {
  const pairs = headers.map(([name, value]) =>
    concatBytes([textHash(name.toLowerCase()), textHash(value)]),
  );
  pairs.push(concatBytes([textHash(':ic-cert-status'), statusHash(status)]));
  pairs.sort(compareBytes);
  return sha256(concatBytes(pairs));
}

const EMPTY_BODY_SHA256 = sha256(new Uint8Array(0));

/**
 * The certified request hash (ic-http-certification `request_hash`) of a bodiless request
 * without a query string: `sha256(RI-hash(certified headers + ":ic-cert-method") ‖ sha256(""))`.
 */
export function requestHash(method: string, certifiedHeaders: readonly HeaderField[]): Uint8Array {
  const pairs = certifiedHeaders.map(([name, value]) =>
    concatBytes([textHash(name.toLowerCase()), textHash(value)]),
  );
  pairs.push(concatBytes([textHash(':ic-cert-method'), textHash(method)]));
  pairs.sort(compareBytes);
  return sha256(concatBytes([sha256(concatBytes(pairs)), EMPTY_BODY_SHA256]));
}

/** A site answers with a handful of statuses: hash each once. */
const statusHashes = new Map<number, Uint8Array>();

function statusHash(status: number): Uint8Array {
  let hash = statusHashes.get(status);
  if (hash === undefined) {
    hash = sha256(encodeLeb128(BigInt(status)));
    statusHashes.set(status, hash);
  }
  return hash;
}

/**
 * Header names and most values (content types, the expression, cache lifetimes) repeat across
 * a site's responses, and one SHA-256 costs millions of instructions in a canister: remember
 * them. Bounded, so a site of unique values cannot grow it without limit.
 */
const textHashes = new Map<string, Uint8Array>();
const TEXT_HASHES_MAX = 20_000;

export function textHash(text: string): Uint8Array {
  let hash = textHashes.get(text);
  if (hash === undefined) {
    if (textHashes.size >= TEXT_HASHES_MAX) {
      textHashes.clear();
    }
    hash = sha256(utf8.encode(text));
    textHashes.set(text, hash);
  }
  return hash;
}
