import { describe, expect, it, vi } from 'vitest';
import { createFakeAuthenticator } from '../testing/fake-authenticator';
import { makePasskey } from '../testing/make-passkey';
import { coseToDer } from './attestation';
import { createPasskey, passkeyCreationOptions, type CreateCredential } from './passkey-creation';

const PASSKEY = makePasskey(1);

describe('passkeyCreationOptions', () => {
  it('asks for a P-256 or Ed25519 passkey with fresh random challenge and user id', () => {
    const randomBytes = vi.fn((length: number) => new Uint8Array(length).fill(7));
    const options = passkeyCreationOptions({ randomBytes }).publicKey;
    expect(options).toEqual({
      challenge: new Uint8Array(16).fill(7),
      rp: { name: 'Internet Identity Service' },
      user: {
        id: new Uint8Array(16).fill(7),
        name: 'Internet Identity',
        displayName: 'Internet Identity',
      },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -8 },
      ],
      attestation: 'direct',
      authenticatorSelection: { userVerification: 'preferred' },
      excludeCredentials: [],
    });
    expect(randomBytes).toHaveBeenCalledTimes(2);
  });

  it('leaves the relying party id to the browser, which uses the page’s host', () => {
    expect(passkeyCreationOptions().publicKey?.rp).not.toHaveProperty('id');
  });

  it('excludes the anchor’s existing credentials', () => {
    const options = passkeyCreationOptions({ excludeCredentialIds: [PASSKEY.credentialId] });
    expect(options.publicKey?.excludeCredentials).toEqual([
      { type: 'public-key', id: PASSKEY.credentialId },
    ]);
  });
});

describe('createPasskey', () => {
  it('returns the new credential’s id, its COSE key in DER, and a key type from its attachment', async () => {
    const authenticator = createFakeAuthenticator({ creatable: [PASSKEY] });
    await expect(createPasskey((options) => authenticator.create(options))).resolves.toEqual({
      credentialId: PASSKEY.credentialId,
      publicKeyDer: coseToDer(PASSKEY.cose),
      keyType: { platform: null },
    });
  });

  it('maps a security key to cross_platform, and an unknown attachment to unknown', async () => {
    for (const [attachment, keyType] of [
      ['cross-platform', { cross_platform: null }],
      [null, { unknown: null }],
    ] as const) {
      const create: CreateCredential = async () =>
        ({
          rawId: PASSKEY.credentialId.slice().buffer,
          authenticatorAttachment: attachment,
          response: { attestationObject: PASSKEY.attestationObject() },
        }) as unknown as Credential;
      await expect(createPasskey(create)).resolves.toMatchObject({ keyType });
    }
  });

  it('fails as passkey-unreadable when the answer is not a public-key credential', async () => {
    await expect(createPasskey(async () => null)).rejects.toMatchObject({
      problem: { kind: 'passkey-unreadable' },
    });
  });

  it('passes a cancelled ceremony through as WebAuthn’s NotAllowedError', async () => {
    const authenticator = createFakeAuthenticator({});
    await expect(createPasskey((options) => authenticator.create(options))).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });
});
