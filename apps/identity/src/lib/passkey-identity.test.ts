import { Cbor } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { p256 } from '@noble/curves/nist';
import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';
import { createFakeAuthenticator } from '../testing/fake-authenticator';
import { makePasskey } from '../testing/make-passkey';
import { coseToDer } from './attestation';
import { IdentityError } from './identity-error';
import { PasskeyIdentity, type Passkey } from './passkey-identity';

const LAPTOP = makePasskey(1);
const PHONE = makePasskey(2);
const STRANGER = makePasskey(3);

function anchorPasskey(passkey: typeof LAPTOP): Passkey {
  return { credentialId: passkey.credentialId, publicKeyDer: coseToDer(passkey.cose) };
}

interface WebAuthnSignature {
  authenticator_data: Uint8Array;
  client_data_json: string;
  signature: Uint8Array;
}

describe('PasskeyIdentity', () => {
  it('offers every passkey of the anchor and signs as the one the device holds', async () => {
    const authenticator = createFakeAuthenticator({ holds: [PHONE] });
    const identity = new PasskeyIdentity([anchorPasskey(LAPTOP), anchorPasskey(PHONE)], (options) =>
      authenticator.get(options),
    );
    expect(() => identity.getPublicKey()).toThrow(/no passkey has signed yet/);
    const challenge = Uint8Array.of(1, 2, 3);
    const signature = await identity.sign(challenge);

    const options = authenticator.get.mock.calls[0]?.[0].publicKey;
    expect(options?.allowCredentials?.map(({ id }) => new Uint8Array(id as ArrayBuffer))).toEqual([
      LAPTOP.credentialId,
      PHONE.credentialId,
    ]);
    expect(options?.userVerification).toBe('preferred');
    expect(identity.chosen?.credentialId).toEqual(PHONE.credentialId);
    expect(identity.getPublicKey().toDer()).toEqual(coseToDer(PHONE.cose));
    expect(identity.getPrincipal().toText()).toBe(
      Principal.selfAuthenticating(coseToDer(PHONE.cose)).toText(),
    );

    // The IC's WebAuthn signature: CBOR (tag 55799) of the assertion, clientDataJSON as text.
    expect([...signature.slice(0, 3)]).toEqual([0xd9, 0xd9, 0xf7]);
    const decoded = Cbor.decode<WebAuthnSignature>(signature);
    const clientData = JSON.parse(decoded.client_data_json) as { challenge: string };
    expect(clientData.challenge).toBe('AQID');
    const signed = new Uint8Array([
      ...decoded.authenticator_data,
      ...sha256(new TextEncoder().encode(decoded.client_data_json)),
    ]);
    expect(p256.verify(decoded.signature, sha256(signed), PHONE.publicKey)).toBe(true);
  });

  it('knows its key before signing when the anchor has one passkey', () => {
    const identity = new PasskeyIdentity([anchorPasskey(LAPTOP)], async () => null);
    expect(identity.getPublicKey().toDer()).toEqual(coseToDer(LAPTOP.cose));
  });

  it('fails as wrong-passkey when a passkey outside the anchor answers', async () => {
    const identity = new PasskeyIdentity(
      [anchorPasskey(LAPTOP)],
      async () => STRANGER.assert(Uint8Array.of(1), 'http://ii.localhost') as unknown as Credential,
    );
    const error = await identity.sign(Uint8Array.of(1)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).problem).toEqual({ kind: 'wrong-passkey' });
  });

  it('fails as passkey-unreadable when WebAuthn answers without an assertion', async () => {
    const identity = new PasskeyIdentity([anchorPasskey(LAPTOP)], async () => null);
    await expect(identity.sign(Uint8Array.of(1))).rejects.toMatchObject({
      problem: { kind: 'passkey-unreadable' },
    });
  });

  it('passes WebAuthn’s refusal through, for the caller to classify', async () => {
    const empty = createFakeAuthenticator({});
    const identity = new PasskeyIdentity([anchorPasskey(LAPTOP)], (options) => empty.get(options));
    await expect(identity.sign(Uint8Array.of(1))).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
  });

  it('refuses to be built without a passkey', () => {
    expect(() => new PasskeyIdentity([], async () => null)).toThrow(RangeError);
  });
});
