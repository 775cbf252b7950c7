import { describe, expect, it } from 'vitest';
import { makeDevice } from '../../testing/devices.js';
import { IDENTITY_LIMITS } from './limits.js';
import type { DeviceData } from './types.js';
import { checkDevice, checkFrontend, checkSessionKey } from './validation.js';

const messageFor = (overrides: Partial<DeviceData>) =>
  checkDevice(makeDevice(overrides), IDENTITY_LIMITS)?.message;

describe('checkDevice', () => {
  it('passes a device at every limit', () => {
    expect(
      messageFor({
        pubkey: new Uint8Array(300),
        alias: 'a'.repeat(64),
        credentialId: new Uint8Array(350),
        origin: 'o'.repeat(255),
      }),
    ).toBeUndefined();
    expect(messageFor({ credentialId: undefined, origin: undefined, alias: '' })).toBeUndefined();
  });

  it('fails a device one past a limit, naming the field, the limit and the size', () => {
    expect(messageFor({ pubkey: new Uint8Array(301) })).toBe(
      'pubkey must be at most 300 bytes; it has 301',
    );
    expect(messageFor({ pubkey: new Uint8Array(0) })).toBe('pubkey must not be empty');
    expect(messageFor({ credentialId: new Uint8Array(351) })).toBe(
      'credential_id must be at most 350 bytes; it has 351',
    );
    expect(messageFor({ origin: 'é'.repeat(128) })).toBe(
      'origin must be at most 255 bytes of UTF-8; it has 256',
    );
    expect(messageFor({ alias: 'a'.repeat(65) })).toBe(
      'alias must be at most 64 characters; it has 65',
    );
    expect(messageFor({ alias: 'x'.repeat(100_000) })).toBe(
      'alias must be at most 64 characters; it has 100,000',
    );
  });

  it('counts alias characters as code points: 64 emoji pass, 65 fail', () => {
    expect(messageFor({ alias: '🔑'.repeat(64) })).toBeUndefined();
    expect(messageFor({ alias: '🔑'.repeat(65) })).toBe(
      'alias must be at most 64 characters; it has 65',
    );
  });

  it('lets only seed phrases be protected', () => {
    expect(messageFor({ protection: 'protected', keyType: 'platform' })).toBe(
      'only seed_phrase devices can be protected',
    );
    expect(messageFor({ protection: 'protected', keyType: 'seed_phrase' })).toBeUndefined();
  });
});

describe('checkFrontend and checkSessionKey', () => {
  it('accept 1 to 255 bytes of frontend and 1 to 300 bytes of session key', () => {
    expect(checkFrontend('http://localhost:5173', IDENTITY_LIMITS)).toEqual({
      ok: true,
      bytes: new TextEncoder().encode('http://localhost:5173'),
    });
    expect(checkFrontend('x'.repeat(255), IDENTITY_LIMITS).ok).toBe(true);
    expect(checkSessionKey(new Uint8Array(300), IDENTITY_LIMITS)).toBeUndefined();
  });

  it('refuse empty and oversized values with the size found', () => {
    const long = checkFrontend('x'.repeat(256), IDENTITY_LIMITS);
    expect(long.ok).toBe(false);
    expect(!long.ok && long.error.message).toBe(
      'frontend hostname must be 1 to 255 bytes of UTF-8; it has 256',
    );
    expect(checkFrontend('', IDENTITY_LIMITS).ok).toBe(false);
    expect(checkSessionKey(new Uint8Array(301), IDENTITY_LIMITS)?.message).toBe(
      'session key must be 1 to 300 bytes; it has 301',
    );
    expect(checkSessionKey(new Uint8Array(0), IDENTITY_LIMITS)?.message).toBe(
      'session key must be 1 to 300 bytes; it has 0',
    );
  });
});
