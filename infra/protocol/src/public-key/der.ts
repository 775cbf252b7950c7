import { CitadelError } from '../errors.js';

/** Stable codes of public-key decoding failures. */
export const PublicKeyErrorCode = {
  MALFORMED_DER: 'PROTO_KEY_MALFORMED_DER',
  UNSUPPORTED_ALGORITHM: 'PROTO_KEY_UNSUPPORTED_ALGORITHM',
  INVALID_LENGTH: 'PROTO_KEY_INVALID_LENGTH',
} as const;

/** Key kinds the IC accepts as request senders or certificate signers (interface spec "Signatures"). */
export type PublicKeyKind =
  'ed25519' | 'ecdsa-p256' | 'ecdsa-secp256k1' | 'bls12381-g2' | 'webauthn' | 'canister-signature';

/** A decoded SubjectPublicKeyInfo. `raw` is the key itself (for WebAuthn: the COSE key). */
export type ParsedPublicKey =
  | { readonly kind: Exclude<PublicKeyKind, 'canister-signature'>; readonly raw: Uint8Array }
  | {
      readonly kind: 'canister-signature';
      readonly raw: Uint8Array;
      readonly canisterId: Uint8Array;
      readonly seed: Uint8Array;
    };

const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));

// Fixed DER prefixes of the fixed-length kinds (ic-protocol.md §3.2).
const FIXED: readonly { kind: PublicKeyKind; prefix: Uint8Array; rawLength: number }[] = [
  { kind: 'ed25519', prefix: hex('302a300506032b6570032100'), rawLength: 32 },
  {
    kind: 'ecdsa-p256',
    prefix: hex('3059301306072a8648ce3d020106082a8648ce3d030107034200'),
    rawLength: 65,
  },
  {
    kind: 'ecdsa-secp256k1',
    prefix: hex('3056301006072a8648ce3d020106052b8104000a034200'),
    rawLength: 65,
  },
  {
    kind: 'bls12381-g2',
    prefix: hex('308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100'),
    rawLength: 96,
  },
];

// DFINITY's OIDs: 1.3.6.1.4.1.56387.1.1 (WebAuthn COSE key) and .1.2 (canister signature).
const WEBAUTHN_OID = hex('2b0601040183b8430101');
const CANISTER_SIGNATURE_OID = hex('2b0601040183b8430102');

const malformed = (reason: string): CitadelError =>
  new CitadelError(
    'input',
    PublicKeyErrorCode.MALFORMED_DER,
    `Public key is not valid DER: ${reason}.`,
  );

/** Reads one DER TLV at `offset`; returns the tag, the value bounds and the end. */
function readTlv(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  if (tag === undefined || lengthByte === undefined) {
    throw malformed('truncated');
  }
  let start = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 3) {
      throw malformed('unsupported length encoding');
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[start + i];
      if (lengthByte === undefined) {
        throw malformed('truncated length');
      }
      length = length * 256 + lengthByte;
    }
    start += count;
  }
  const end = start + length;
  if (end > der.length) {
    throw malformed('length exceeds input');
  }
  return { tag, start, end };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Decodes a DER SubjectPublicKeyInfo into its kind and raw key; strict about prefixes and lengths. */
export function parsePublicKeyDer(der: Uint8Array): ParsedPublicKey {
  for (const { kind, prefix, rawLength } of FIXED) {
    if (der.length >= prefix.length && equalBytes(der.subarray(0, prefix.length), prefix)) {
      if (der.length !== prefix.length + rawLength) {
        throw new CitadelError(
          'input',
          PublicKeyErrorCode.INVALID_LENGTH,
          `A DER ${kind} public key must be ${prefix.length + rawLength} bytes, got ${der.length}.`,
        );
      }
      return {
        kind: kind as Exclude<PublicKeyKind, 'canister-signature'>,
        raw: der.slice(prefix.length),
      };
    }
  }
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) {
    throw malformed('not a single SEQUENCE');
  }
  const algorithm = readTlv(der, outer.start);
  const oid = readTlv(der, algorithm.start);
  const bits = readTlv(der, algorithm.end);
  if (algorithm.tag !== 0x30 || oid.tag !== 0x06 || bits.tag !== 0x03 || bits.end !== der.length) {
    throw malformed('unexpected structure');
  }
  if (der[bits.start] !== 0) {
    throw malformed('BIT STRING with unused bits');
  }
  const key = der.slice(bits.start + 1, bits.end);
  const oidBytes = der.subarray(oid.start, oid.end);
  if (equalBytes(oidBytes, WEBAUTHN_OID)) {
    return { kind: 'webauthn', raw: key };
  }
  if (equalBytes(oidBytes, CANISTER_SIGNATURE_OID)) {
    const idLength = key[0];
    if (idLength === undefined || 1 + idLength > key.length) {
      throw malformed('canister signature key too short');
    }
    return {
      kind: 'canister-signature',
      raw: key,
      canisterId: key.slice(1, 1 + idLength),
      seed: key.slice(1 + idLength),
    };
  }
  throw new CitadelError(
    'input',
    PublicKeyErrorCode.UNSUPPORTED_ALGORITHM,
    'Public key algorithm is not one the IC accepts (Ed25519, ECDSA P-256/secp256k1, BLS12-381, WebAuthn, canister signature).',
  );
}

function derLength(length: number): number[] {
  return length < 0x80
    ? [length]
    : length < 0x100
      ? [0x81, length]
      : [0x82, length >> 8, length & 0xff];
}

function wrapOid(oid: Uint8Array, key: Uint8Array): Uint8Array {
  const algorithm = [0x30, ...derLength(oid.length + 2), 0x06, oid.length, ...oid];
  const bitString = [0x03, ...derLength(key.length + 1), 0x00, ...key];
  const body = [...algorithm, ...bitString];
  return Uint8Array.from([0x30, ...derLength(body.length), ...body]);
}

/** Encodes a raw key of a fixed-length kind (or a WebAuthn COSE key) as DER. */
export function encodePublicKeyDer(
  kind: Exclude<PublicKeyKind, 'canister-signature'>,
  raw: Uint8Array,
): Uint8Array {
  if (kind === 'webauthn') {
    return wrapOid(WEBAUTHN_OID, raw);
  }
  const fixed = FIXED.find((entry) => entry.kind === kind);
  if (!fixed || raw.length !== fixed.rawLength) {
    throw new CitadelError(
      'input',
      PublicKeyErrorCode.INVALID_LENGTH,
      `A raw ${kind} public key must be ${fixed?.rawLength ?? '?'} bytes, got ${raw.length}.`,
    );
  }
  const der = new Uint8Array(fixed.prefix.length + raw.length);
  der.set(fixed.prefix);
  der.set(raw, fixed.prefix.length);
  return der;
}

/** Encodes the public key of a canister signature: `len(cid) ‖ cid ‖ seed` under DFINITY's OID. */
export function encodeCanisterSignaturePublicKeyDer(
  canisterId: Uint8Array,
  seed: Uint8Array,
): Uint8Array {
  return wrapOid(
    CANISTER_SIGNATURE_OID,
    Uint8Array.from([canisterId.length, ...canisterId, ...seed]),
  );
}
