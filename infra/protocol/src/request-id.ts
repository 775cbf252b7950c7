import { sha256 } from '@noble/hashes/sha2.js';

import { compareBytes } from './byte-order.js';
import { CborTag } from './cbor/types.js';
import type { CborMap, CborValue } from './cbor/types.js';
import { CitadelError } from './errors.js';
import { encodeLeb128, encodeSleb128 } from './leb128.js';

/** The 32-byte representation-independent hash of a request's `content` map. */
export type RequestId = Uint8Array & { readonly __brand: 'RequestId' };

/** Stable codes of representation-independent hashing failures. */
export const RequestIdErrorCode = {
  /** A value the spec's hash-of-map does not define (boolean, null, float, tag, undefined element). */
  UNHASHABLE_VALUE: 'PROTO_REQUEST_ID_UNHASHABLE_VALUE',
  /** Maps or arrays nested deeper than any request can be. */
  MAX_DEPTH: 'PROTO_REQUEST_ID_MAX_DEPTH',
} as const;

const textEncoder = new TextEncoder();
/** Requests nest a few levels (envelope → delegation → targets); this only stops cycles. */
const MAX_HASH_DEPTH = 64;

/**
 * Representation-independent hash of a map (interface spec "Hash of map"): for every field
 * whose value is not `undefined`, `sha256(key) ‖ H(value)`; sort those pairs bytewise;
 * hash their concatenation.
 */
export function hashOfMap(map: CborMap): Uint8Array {
  return hashMap(map, 0, []);
}

/**
 * The request id: {@link hashOfMap} of the request `content` (interface spec "Request ids").
 * @example requestIdOf(envelope.content)
 */
export function requestIdOf(content: CborMap): RequestId {
  return hashOfMap(content) as RequestId;
}

function hashMap(map: CborMap, depth: number, path: string[]): Uint8Array {
  const pairs: Uint8Array[] = [];
  for (const key of Object.keys(map)) {
    const value = map[key];
    // 0xf7 (undefined) is how the agent's encoder writes absent optional fields.
    if (value === undefined) {
      continue;
    }
    path.push(key);
    const pair = new Uint8Array(64);
    pair.set(sha256(textEncoder.encode(key)));
    pair.set(hashValue(value, depth + 1, path), 32);
    path.pop();
    pairs.push(pair);
  }
  pairs.sort(compareBytes);
  const concatenated = new Uint8Array(pairs.length * 64);
  pairs.forEach((pair, index) => concatenated.set(pair, index * 64));
  return sha256(concatenated);
}

function hashValue(value: CborValue, depth: number, path: string[]): Uint8Array {
  if (depth > MAX_HASH_DEPTH) {
    throw new CitadelError(
      'limit',
      RequestIdErrorCode.MAX_DEPTH,
      `Cannot hash ${where(path)}: maps and arrays are nested more than ${MAX_HASH_DEPTH} levels deep.`,
      { path: [...path] },
    );
  }
  if (typeof value === 'string') {
    return sha256(textEncoder.encode(value));
  }
  if (value instanceof Uint8Array) {
    return sha256(value);
  }
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) {
    // Unsigned LEB128 for nats; the spec hashes ints with signed LEB128.
    return sha256(value < 0 ? encodeSleb128(value) : encodeLeb128(value));
  }
  if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    const hashes = new Uint8Array(items.length * 32);
    items.forEach((item, index) => {
      path.push(String(index));
      hashes.set(hashValue(item, depth + 1, path), index * 32);
      path.pop();
    });
    return sha256(hashes);
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof CborTag) &&
    isPlainObject(value)
  ) {
    return hashMap(value as CborMap, depth, path);
  }
  throw new CitadelError(
    'input',
    RequestIdErrorCode.UNHASHABLE_VALUE,
    `Cannot hash ${where(path)}: ${describe(value)} has no representation-independent hash (the spec defines nat, int, text, blob, arrays and maps).`,
    { path: [...path] },
  );
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

function where(path: readonly string[]): string {
  return path.length === 0 ? 'the map' : `field ${path.join('.')}`;
}

function describe(value: CborValue): string {
  if (value === null) {
    return 'null';
  }
  if (value instanceof CborTag) {
    return `a CBOR tag ${value.tag}`;
  }
  if (typeof value === 'number') {
    return `the non-integer number ${value}`;
  }
  return `a ${typeof value}`;
}
