import type { DeviceData, KeyType, Protection, Purpose } from '../identity/types.js';
import type { CandidDeviceData } from './interface.js';

/** The one tag of a Candid variant decoded as `{ tag: null }`. */
function tagOf<T extends string>(variant: Partial<Record<T, null>>): T {
  return Object.keys(variant)[0] as T;
}

const variant = <T extends string>(tag: T) => ({ [tag]: null }) as Record<T, null>;

/** A device from its Candid value. */
export function fromCandidDevice(device: CandidDeviceData): DeviceData {
  return {
    pubkey: device.pubkey,
    alias: device.alias,
    credentialId: device.credential_id[0],
    purpose: tagOf<Purpose>(device.purpose),
    keyType: tagOf<KeyType>(device.key_type),
    protection: tagOf<Protection>(device.protection),
    origin: device.origin[0],
  };
}

/** A device's Candid value. */
export function toCandidDevice(device: DeviceData): CandidDeviceData {
  return {
    pubkey: device.pubkey,
    alias: device.alias,
    credential_id: device.credentialId === undefined ? [] : [device.credentialId],
    purpose: variant(device.purpose) as CandidDeviceData['purpose'],
    key_type: variant(device.keyType) as CandidDeviceData['key_type'],
    protection: variant(device.protection) as CandidDeviceData['protection'],
    origin: device.origin === undefined ? [] : [device.origin],
  };
}
