/**
 * COSE_Key (RFC 9052 §7) as WebAuthn authenticators report it: a CBOR map with integer labels.
 * The general CBOR codec only takes text keys (the IC protocol has no others), so this file
 * reads exactly the subset COSE keys use: one definite-length map of integer labels to
 * integers, byte strings or text.
 */

/** A decoded COSE_Key: label → value. */
export type CoseKey = ReadonlyMap<number, number | Uint8Array | string>;

/** COSE labels and values used by WebAuthn keys (IANA COSE registries). */
export const CoseLabel = {
  KTY: 1,
  ALG: 3,
  CRV: -1,
  X: -2,
  Y: -3,
} as const;

/** COSE key types (kty). */
export const CoseKeyType = { OKP: 1, EC2: 2, RSA: 3 } as const;
/** COSE curves (crv). */
export const CoseCurve = { P256: 1, ED25519: 6 } as const;
/** COSE algorithms (alg). */
export const CoseAlgorithm = { ES256: -7, EDDSA: -8, RS256: -257 } as const;

/**
 * Reads a COSE_Key; returns null for anything that is not a single, complete, definite-length
 * map of distinct integer labels to integer, byte-string or text values.
 */
export function decodeCoseKey(bytes: Uint8Array): CoseKey | null {
  const reader = { bytes, offset: 0 };
  const header = readHead(reader);
  if (header === null || header.major !== 5) {
    return null;
  }
  const key = new Map<number, number | Uint8Array | string>();
  for (let i = 0; i < header.argument; i++) {
    const label = readItem(reader);
    if (typeof label !== 'number' || key.has(label)) {
      return null;
    }
    const value = readItem(reader);
    if (value === null) {
      return null;
    }
    key.set(label, value);
  }
  return reader.offset === bytes.length ? key : null;
}

interface Reader {
  readonly bytes: Uint8Array;
  offset: number;
}

function readItem(reader: Reader): number | Uint8Array | string | null {
  const head = readHead(reader);
  if (head === null) {
    return null;
  }
  switch (head.major) {
    case 0:
      return head.argument;
    case 1:
      return -1 - head.argument;
    case 2:
    case 3: {
      const end = reader.offset + head.argument;
      if (end > reader.bytes.length) {
        return null;
      }
      const content = reader.bytes.slice(reader.offset, end);
      reader.offset = end;
      if (head.major === 2) {
        return content;
      }
      return new TextDecoder('utf-8', { fatal: false }).decode(content);
    }
    default:
      return null;
  }
}

/** Major type and argument (RFC 8949 §3); arguments beyond 2^32 are not needed for keys. */
function readHead(reader: Reader): { major: number; argument: number } | null {
  const initial = reader.bytes[reader.offset];
  if (initial === undefined) {
    return null;
  }
  reader.offset += 1;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info < 24) {
    return { major, argument: info };
  }
  const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (width === 0 || reader.offset + width > reader.bytes.length) {
    return null;
  }
  let argument = 0;
  for (let i = 0; i < width; i++) {
    argument = argument * 256 + (reader.bytes[reader.offset + i] ?? 0);
  }
  reader.offset += width;
  return { major, argument };
}
