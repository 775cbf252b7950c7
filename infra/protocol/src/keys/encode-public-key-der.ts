import { CitadelError } from '../errors.js';
import { PRINCIPAL_MAX_BYTES } from '../principal.js';
import {
  ALGORITHM_IDENTIFIERS,
  RAW_KEY_BYTES,
  isFixedPrefixKind,
} from './algorithm-identifiers.js';
import { DER_MAX_LENGTH, encodeDerLength } from './der-length.js';
import { KeyErrorCode } from './errors.js';
import type { PublicKeyKind } from './types.js';

/**
 * Wraps key bytes in a DER SubjectPublicKeyInfo (digest §3.2): for the fixed-prefix kinds
 * `raw` is the bare key, for 'webauthn' the COSE_Key. Canister-signature keys have their own
 * encoder, {@link encodeCanisterSignaturePublicKeyDer}.
 * @example encodePublicKeyDer('bls12381-g2', publicKey96) // 133-byte root key DER
 */
export function encodePublicKeyDer(
  kind: Exclude<PublicKeyKind, 'canister-signature'>,
  raw: Uint8Array,
): Uint8Array {
  if (isFixedPrefixKind(kind) && raw.length !== RAW_KEY_BYTES[kind]) {
    throw new CitadelError(
      'input',
      KeyErrorCode.INVALID_LENGTH,
      `Cannot encode a ${kind} public key of ${raw.length} bytes; it has ${RAW_KEY_BYTES[kind]}.`,
      { kind, length: raw.length },
    );
  }
  if (kind === 'webauthn' && raw.length === 0) {
    throw new CitadelError(
      'input',
      KeyErrorCode.INVALID_LENGTH,
      'Cannot encode an empty COSE key as a WebAuthn public key.',
      { kind },
    );
  }
  return wrapSubjectPublicKeyInfo(ALGORITHM_IDENTIFIERS[kind], raw);
}

/**
 * The DER public key of a canister signature: `len(canisterId) ‖ canisterId ‖ seed` under
 * OID 1.3.6.1.4.1.56387.1.2 (interface spec "Canister signatures"). Its self-authenticating
 * principal is what Internet Identity hands to dapps.
 */
export function encodeCanisterSignaturePublicKeyDer(
  canisterId: Uint8Array,
  seed: Uint8Array,
): Uint8Array {
  if (canisterId.length > PRINCIPAL_MAX_BYTES) {
    throw new CitadelError(
      'input',
      KeyErrorCode.INVALID_KEY,
      `A canister id has at most ${PRINCIPAL_MAX_BYTES} bytes, got ${canisterId.length}.`,
      { length: canisterId.length },
    );
  }
  const payload = new Uint8Array(1 + canisterId.length + seed.length);
  payload[0] = canisterId.length;
  payload.set(canisterId, 1);
  payload.set(seed, 1 + canisterId.length);
  return wrapSubjectPublicKeyInfo(ALGORITHM_IDENTIFIERS['canister-signature'], payload);
}

/** `SEQUENCE { algorithmIdentifier, BIT STRING (0 unused bits) key }`. */
function wrapSubjectPublicKeyInfo(algorithmIdentifier: Uint8Array, key: Uint8Array): Uint8Array {
  const bitStringLength = encodeDerLength(key.length + 1);
  const contentLength = algorithmIdentifier.length + 1 + bitStringLength.length + 1 + key.length;
  if (contentLength > DER_MAX_LENGTH) {
    throw new CitadelError(
      'input',
      KeyErrorCode.INVALID_LENGTH,
      `Cannot encode a public key of ${key.length} bytes; DER keys are limited to ${DER_MAX_LENGTH} bytes here.`,
      { length: key.length },
    );
  }
  const sequenceLength = encodeDerLength(contentLength);
  const der = new Uint8Array(1 + sequenceLength.length + contentLength);
  let offset = 0;
  der[offset++] = 0x30;
  der.set(sequenceLength, offset);
  offset += sequenceLength.length;
  der.set(algorithmIdentifier, offset);
  offset += algorithmIdentifier.length;
  der[offset++] = 0x03;
  der.set(bitStringLength, offset);
  offset += bitStringLength.length;
  der[offset++] = 0x00;
  der.set(key, offset);
  return der;
}
