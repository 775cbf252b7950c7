import { isCitadelError } from '@citadel/protocol';
import { describe, expect, it } from 'vitest';
import { makeDevice } from '../../testing/devices.js';
import { decodeAnchorRecord, encodeAnchorRecord } from './anchor-record.js';
import { IdentityErrorCode } from './errors.js';
import type { AnchorRecord, StoredDevice } from './types.js';

const stored = (overrides: Partial<StoredDevice> = {}): StoredDevice => ({
  ...makeDevice(),
  principal: new Uint8Array(29).fill(7),
  ...overrides,
});

describe('anchor records', () => {
  it('read back exactly as written, optional fields and non-ASCII text included', () => {
    const record: AnchorRecord = {
      devices: [
        stored({ alias: 'Clé de Zoë 🔑', origin: 'https://identity.ic0.app' }),
        stored({
          credentialId: undefined,
          origin: undefined,
          alias: '',
          purpose: 'recovery',
          keyType: 'seed_phrase',
          protection: 'protected',
        }),
        stored({ keyType: 'browser_storage_key', pubkey: new Uint8Array(300).fill(1) }),
      ],
    };
    expect(decodeAnchorRecord(encodeAnchorRecord(record), 10_000n)).toEqual(record);
    expect(decodeAnchorRecord(encodeAnchorRecord({ devices: [] }), 1n)).toEqual({ devices: [] });
  });

  it('fail to read a record in an unknown format, truncated, or with trailing bytes', () => {
    const bytes = encodeAnchorRecord({ devices: [stored()] });
    const corrupt = [
      Uint8Array.of(2, ...bytes.subarray(1)),
      bytes.subarray(0, bytes.length - 1),
      Uint8Array.of(...bytes, 0),
    ];
    for (const candidate of corrupt) {
      let code: string | undefined;
      try {
        decodeAnchorRecord(candidate, 10_000n);
      } catch (error) {
        code = isCitadelError(error) ? error.code : undefined;
      }
      expect(code).toBe(IdentityErrorCode.CORRUPT_RECORD);
    }
  });
});
