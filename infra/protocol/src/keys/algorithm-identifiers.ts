import type { FixedPrefixKeyKind, PublicKeyKind } from './types.js';

/**
 * DER-encoded AlgorithmIdentifier SEQUENCEs (tag, length and OIDs) of every key kind
 * (interface spec "Signatures"; digest §3.2). A SubjectPublicKeyInfo is
 * `30 len ‖ algorithmIdentifier ‖ 03 len 00 ‖ key`.
 */
export const ALGORITHM_IDENTIFIERS: Readonly<Record<PublicKeyKind, Uint8Array>> = {
  // id-Ed25519, 1.3.101.112 (RFC 8410).
  ed25519: hex('300506032b6570'),
  // id-ecPublicKey 1.2.840.10045.2.1 + prime256v1 1.2.840.10045.3.1.7 (RFC 5480).
  'ecdsa-p256': hex('301306072a8648ce3d020106082a8648ce3d030107'),
  // id-ecPublicKey + secp256k1 1.3.132.0.10.
  'ecdsa-secp256k1': hex('301006072a8648ce3d020106052b8104000a'),
  // BLS12-381 G2 keys: algorithm 1.3.6.1.4.1.44668.5.3.1.2.1, curve 1.3.6.1.4.1.44668.5.3.2.1.
  'bls12381-g2': hex('301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201'),
  // DER-wrapped COSE key, 1.3.6.1.4.1.56387.1.1.
  webauthn: hex('300c060a2b0601040183b8430101'),
  // IC canister signature, 1.3.6.1.4.1.56387.1.2.
  'canister-signature': hex('300c060a2b0601040183b8430102'),
};

/** Length of the key bytes of each fixed-prefix kind. */
export const RAW_KEY_BYTES: Readonly<Record<FixedPrefixKeyKind, number>> = {
  ed25519: 32,
  'ecdsa-p256': 65,
  'ecdsa-secp256k1': 65,
  'bls12381-g2': 96,
};

/** True for the kinds whose DER form has a fixed prefix and length. */
export function isFixedPrefixKind(kind: PublicKeyKind): kind is FixedPrefixKeyKind {
  return kind in RAW_KEY_BYTES;
}

function hex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return bytes;
}
