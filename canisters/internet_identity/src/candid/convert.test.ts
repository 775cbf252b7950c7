import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { makeDevice } from '../../testing/devices.js';
import { fromCandidDevice, toCandidDevice } from './convert.js';
import { T } from './interface.js';

describe('Candid devices', () => {
  it('survive a Candid round trip with and without optional fields', () => {
    for (const device of [
      makeDevice(),
      makeDevice({
        credentialId: undefined,
        origin: undefined,
        purpose: 'recovery',
        keyType: 'seed_phrase',
        protection: 'protected',
      }),
    ]) {
      const wire = IDL.encode([T.DeviceData], [toCandidDevice(device)]);
      const [decoded] = IDL.decode([T.DeviceData], wire);
      expect(
        fromCandidDevice(decoded as unknown as Parameters<typeof fromCandidDevice>[0]),
      ).toEqual(device);
    }
  });
});
