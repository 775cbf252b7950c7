import { bytesEqual } from '../byte-order.js';
import { CitadelError } from '../errors.js';
import { PRINCIPAL_MAX_BYTES } from '../principal.js';
import {
  ALGORITHM_IDENTIFIERS,
  RAW_KEY_BYTES,
  isFixedPrefixKind,
} from './algorithm-identifiers.js';
import { readDerLength } from './der-length.js';
import { KeyErrorCode } from './errors.js';
import type { ParsedPublicKey, PublicKeyKind } from './types.js';

const KINDS = Object.keys(ALGORITHM_IDENTIFIERS) as PublicKeyKind[];

/**
 * Takes apart a DER SubjectPublicKeyInfo as the IC does (interface spec "Signatures";
 * digest §3.2): the key type is the AlgorithmIdentifier, every length must be minimal and
 * exact, and nothing may follow the key. Fails with kind 'protocol' and a PROTO_KEY_* code.
 * @example parsePublicKeyDer(identity.getPublicKey().toDer()) // { kind: 'ed25519', raw }
 */
export function parsePublicKeyDer(der: Uint8Array): ParsedPublicKey {
  const { algorithmIdentifier, payload } = splitSubjectPublicKeyInfo(der);
  const kind = KINDS.find((candidate) =>
    bytesEqual(ALGORITHM_IDENTIFIERS[candidate], algorithmIdentifier),
  );
  if (kind === undefined) {
    throw keyError(
      KeyErrorCode.UNSUPPORTED_ALGORITHM,
      `its AlgorithmIdentifier ${toHex(algorithmIdentifier)} is not Ed25519, ECDSA P-256, ECDSA secp256k1, BLS12-381 G2, WebAuthn (COSE) or canister signature`,
    );
  }
  if (isFixedPrefixKind(kind)) {
    const expected = RAW_KEY_BYTES[kind];
    if (payload.length !== expected) {
      throw keyError(
        KeyErrorCode.INVALID_LENGTH,
        `a ${kind} key has ${expected} bytes, got ${payload.length}`,
      );
    }
    // The IC only takes uncompressed SEC1 points (digest §3.2: 65 bytes `04 ‖ X ‖ Y`).
    if ((kind === 'ecdsa-p256' || kind === 'ecdsa-secp256k1') && payload[0] !== 0x04) {
      throw keyError(
        KeyErrorCode.INVALID_KEY,
        `a ${kind} key must be an uncompressed point starting with 0x04, got 0x${toHex(payload.subarray(0, 1))}`,
      );
    }
    return { kind, raw: payload };
  }
  if (payload.length === 0) {
    throw keyError(KeyErrorCode.INVALID_LENGTH, `a ${kind} key cannot be empty`);
  }
  if (kind === 'webauthn') {
    return { kind, raw: payload };
  }
  return parseCanisterSignatureKey(payload);
}

/** `len(canisterId) ‖ canisterId ‖ seed` (interface spec "Canister signatures"). */
function parseCanisterSignatureKey(payload: Uint8Array): ParsedPublicKey {
  const idLength = payload[0] ?? 0;
  if (idLength > PRINCIPAL_MAX_BYTES || 1 + idLength > payload.length) {
    throw keyError(
      KeyErrorCode.INVALID_KEY,
      `a canister-signature key starts with the canister id's length (at most ${PRINCIPAL_MAX_BYTES}), got ${idLength} with ${payload.length - 1} bytes following`,
    );
  }
  return {
    kind: 'canister-signature',
    raw: payload,
    canisterId: payload.slice(1, 1 + idLength),
    seed: payload.slice(1 + idLength),
  };
}

/** Splits `SEQUENCE { AlgorithmIdentifier, BIT STRING }` and checks every length is exact. */
function splitSubjectPublicKeyInfo(der: Uint8Array): {
  algorithmIdentifier: Uint8Array;
  payload: Uint8Array;
} {
  if (der[0] !== 0x30) {
    throw malformed(der, 0, 'a SEQUENCE tag (0x30)');
  }
  const outer = readDerLength(der, 1);
  if (outer === null || outer.contentOffset + outer.length !== der.length) {
    throw malformed(der, 1, `a minimal length covering the remaining ${der.length - 2} bytes`);
  }
  const algorithmStart = outer.contentOffset;
  if (der[algorithmStart] !== 0x30) {
    throw malformed(der, algorithmStart, 'the AlgorithmIdentifier SEQUENCE tag (0x30)');
  }
  const algorithm = readDerLength(der, algorithmStart + 1);
  if (algorithm === null || algorithm.contentOffset + algorithm.length > der.length) {
    throw malformed(der, algorithmStart + 1, 'a minimal AlgorithmIdentifier length');
  }
  const bitStringStart = algorithm.contentOffset + algorithm.length;
  if (der[bitStringStart] !== 0x03) {
    throw malformed(der, bitStringStart, 'a BIT STRING tag (0x03)');
  }
  const bitString = readDerLength(der, bitStringStart + 1);
  if (
    bitString === null ||
    bitString.length === 0 ||
    bitString.contentOffset + bitString.length !== der.length
  ) {
    throw malformed(der, bitStringStart + 1, 'a minimal BIT STRING length that ends the key');
  }
  // Keys are whole bytes: the BIT STRING's unused-bits count must be zero.
  if (der[bitString.contentOffset] !== 0x00) {
    throw malformed(der, bitString.contentOffset, 'zero unused bits (0x00)');
  }
  return {
    algorithmIdentifier: der.slice(algorithmStart, bitStringStart),
    payload: der.slice(bitString.contentOffset + 1),
  };
}

function malformed(der: Uint8Array, offset: number, expected: string): CitadelError {
  const found = der[offset];
  return keyError(
    KeyErrorCode.MALFORMED_DER,
    `expected ${expected} at byte ${offset}, found ${found === undefined ? 'the end of the input' : `0x${found.toString(16).padStart(2, '0')}`}; send the DER SubjectPublicKeyInfo (identity.getPublicKey().toDer()), not the raw key`,
    { length: der.length, offset },
  );
}

function keyError(
  code: KeyErrorCode,
  reason: string,
  details: Record<string, unknown> = {},
): CitadelError {
  return new CitadelError('protocol', code, `Invalid public key: ${reason}.`, details);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
