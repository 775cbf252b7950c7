import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { DeviceData } from '../src/identity/types.js';

/** A DER key as plain bytes (agent keys carry an extra brand property that toEqual sees). */
const derOf = (identity: Ed25519KeyIdentity) => new Uint8Array(identity.getPublicKey().toDer());

/** A device as a passkey registration would send it, with `overrides`. */
export function makeDevice(overrides: Partial<DeviceData> = {}): DeviceData {
  return {
    pubkey: derOf(Ed25519KeyIdentity.generate()),
    alias: 'Laptop',
    credentialId: crypto.getRandomValues(new Uint8Array(32)),
    purpose: 'authentication',
    keyType: 'platform',
    protection: 'unprotected',
    origin: 'http://localhost:4943',
    ...overrides,
  };
}

/** An Ed25519 identity and a device for its key: calls signed by it come from the device. */
export function makeKeyDevice(overrides: Partial<DeviceData> = {}): {
  identity: Ed25519KeyIdentity;
  device: DeviceData;
  principal: Uint8Array;
} {
  const identity = Ed25519KeyIdentity.generate();
  return {
    identity,
    device: makeDevice({ pubkey: derOf(identity), ...overrides }),
    principal: identity.getPrincipal().toUint8Array(),
  };
}
