/**
 * The key types the IC recognises by their DER AlgorithmIdentifier (interface spec
 * "Signatures"; digest §3.2).
 */
export type PublicKeyKind =
  'ed25519' | 'ecdsa-p256' | 'ecdsa-secp256k1' | 'bls12381-g2' | 'webauthn' | 'canister-signature';

/** Key kinds whose DER form is a fixed prefix followed by fixed-length key bytes. */
export type FixedPrefixKeyKind = 'ed25519' | 'ecdsa-p256' | 'ecdsa-secp256k1' | 'bls12381-g2';

/** A key of a fixed-prefix kind: `raw` is the key itself (32, 65, 65 or 96 bytes). */
export interface FixedPrefixPublicKey {
  readonly kind: FixedPrefixKeyKind;
  /** Ed25519: 32 bytes; ECDSA: `04 ‖ X ‖ Y` (65 bytes); BLS12-381: compressed G2 point (96 bytes). */
  readonly raw: Uint8Array;
}

/** A WebAuthn key: a COSE_Key (RFC 9052 §7) wrapped in DER. */
export interface WebAuthnPublicKey {
  readonly kind: 'webauthn';
  /** The CBOR-encoded COSE_Key. */
  readonly raw: Uint8Array;
}

/** A canister-signature key (interface spec "Canister signatures"). */
export interface CanisterSignaturePublicKey {
  readonly kind: 'canister-signature';
  /** The BIT STRING payload: `len(canisterId) ‖ canisterId ‖ seed`. */
  readonly raw: Uint8Array;
  /** The signing canister's principal bytes. */
  readonly canisterId: Uint8Array;
  /** Arbitrary bytes the canister chose (Internet Identity: a per-anchor, per-frontend salt). */
  readonly seed: Uint8Array;
}

/** A DER SubjectPublicKeyInfo taken apart by {@link parsePublicKeyDer}. */
export type ParsedPublicKey = FixedPrefixPublicKey | WebAuthnPublicKey | CanisterSignaturePublicKey;
