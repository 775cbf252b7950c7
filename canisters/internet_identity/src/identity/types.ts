/** Why a device exists: to sign in, or to recover the anchor. */
export type Purpose = 'authentication' | 'recovery';

/** What kind of key a device holds. */
export type KeyType =
  'unknown' | 'platform' | 'cross_platform' | 'seed_phrase' | 'browser_storage_key';

/** A protected device (a recovery phrase) can only be removed by itself. */
export type Protection = 'protected' | 'unprotected';

/** A device as clients describe it. */
export interface DeviceData {
  /** DER SubjectPublicKeyInfo; for a passkey, the COSE key under OID 1.3.6.1.4.1.56387.1.1. */
  readonly pubkey: Uint8Array;
  readonly alias: string;
  /** The WebAuthn credential id, for passkeys. */
  readonly credentialId: Uint8Array | undefined;
  readonly purpose: Purpose;
  readonly keyType: KeyType;
  readonly protection: Protection;
  /** The origin the device was registered at. */
  readonly origin: string | undefined;
}

/** A device as stored: with the principal its calls come from, so that checks need no hash. */
export interface StoredDevice extends DeviceData {
  /** `selfAuthenticating(pubkey)`: 29 bytes. */
  readonly principal: Uint8Array;
}

/** An anchor's devices, in the order they were added. */
export interface AnchorRecord {
  readonly devices: readonly StoredDevice[];
}

/** What `register` answers, unless it traps. */
export type RegisterResult =
  | { readonly kind: 'registered'; readonly anchor: bigint }
  | { readonly kind: 'canister_full' }
  | { readonly kind: 'bad_device'; readonly message: string };
