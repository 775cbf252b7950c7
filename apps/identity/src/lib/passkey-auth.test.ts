import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { createFakeAuthenticator } from '../testing/fake-authenticator';
import { createFakeIi } from '../testing/fake-ii';
import { II_ORIGIN } from '../testing/fake-window';
import { makePasskey, type TestPasskey } from '../testing/make-passkey';
import { coseToDer } from './attestation';
import type { WireDeviceData } from './ii-idl';
import { createPasskeyAuth, PASSKEY_ALIAS } from './passkey-auth';

const II_CANISTER_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';
const LAPTOP = makePasskey(1);
const PHONE = makePasskey(2);
const NEW_KEY = makePasskey(3);

function deviceOf(passkey: TestPasskey): WireDeviceData {
  return {
    pubkey: coseToDer(passkey.cose),
    alias: PASSKEY_ALIAS,
    credential_id: [passkey.credentialId],
    purpose: { authentication: null },
    key_type: { platform: null },
    protection: { unprotected: null },
    origin: [II_ORIGIN],
  };
}

function principalOf(passkey: TestPasskey): string {
  return Principal.selfAuthenticating(coseToDer(passkey.cose)).toText();
}

function setUp({
  anchors = {},
  holds = [],
  creatable = [],
}: {
  anchors?: Record<string, WireDeviceData[]>;
  holds?: TestPasskey[];
  creatable?: TestPasskey[];
}) {
  const ii = createFakeIi(anchors);
  const authenticator = createFakeAuthenticator({ holds, creatable });
  const auth = createPasskeyAuth({
    iiCanisterId: II_CANISTER_ID,
    origin: II_ORIGIN,
    credentials: { get: authenticator.get, create: authenticator.create },
    connect: (identity) => ii.connect(identity),
  });
  return { ii, authenticator, auth };
}

describe('createPasskeyAuth', () => {
  it('signs in an anchor with the passkey this device holds, and calls as that device', async () => {
    const { ii, authenticator, auth } = setUp({
      anchors: { '10000': [deviceOf(LAPTOP), deviceOf(PHONE)] },
      holds: [PHONE],
    });
    const session = await auth.signIn(10_000n);
    expect(session.anchor).toBe(10_000n);
    // One assertion, offering both of the anchor's passkeys.
    expect(authenticator.get).toHaveBeenCalledTimes(1);
    expect(authenticator.get.mock.calls[0]?.[0].publicKey?.allowCredentials).toHaveLength(2);
    await session.ii.lookup(10_000n);
    expect(ii.callers).toEqual([Principal.anonymous().toText(), principalOf(PHONE)]);
  });

  it('fails as unknown-anchor, before any WebAuthn prompt, for an anchor without passkeys', async () => {
    const { authenticator, auth } = setUp({
      anchors: { '10000': [{ ...deviceOf(LAPTOP), credential_id: [] }] },
    });
    for (const anchor of [10_000n, 77n]) {
      await expect(auth.signIn(anchor)).rejects.toMatchObject({
        problem: { kind: 'unknown-anchor', anchor },
      });
    }
    expect(authenticator.get).not.toHaveBeenCalled();
  });

  it('passes a cancelled assertion through as WebAuthn’s NotAllowedError', async () => {
    const { auth } = setUp({ anchors: { '10000': [deviceOf(LAPTOP)] }, holds: [] });
    await expect(auth.signIn(10_000n)).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('creates a passkey and registers it as a new anchor, called by the new key', async () => {
    const { ii, authenticator, auth } = setUp({ creatable: [NEW_KEY] });
    const session = await auth.createAnchor();
    expect(session.anchor).toBe(10_000n);
    expect(ii.anchors.get(10_000n)).toEqual([deviceOf(NEW_KEY)]);
    expect(ii.callers).toEqual([principalOf(NEW_KEY)]);
    // One creation, then one assertion for the session that registers.
    expect(authenticator.create).toHaveBeenCalledTimes(1);
    expect(authenticator.get).toHaveBeenCalledTimes(1);
  });

  it('reports the canister’s refusals of a new anchor', async () => {
    for (const [response, problem] of [
      [{ canister_full: null }, { kind: 'canister-full' }],
      [{ bad_device: 'alias too long' }, { kind: 'bad-device', detail: 'alias too long' }],
    ] as const) {
      const authenticator = createFakeAuthenticator({ creatable: [NEW_KEY] });
      const ii = createFakeIi();
      const auth = createPasskeyAuth({
        iiCanisterId: II_CANISTER_ID,
        origin: II_ORIGIN,
        credentials: authenticator,
        connect: async (identity) => ({
          ...(await ii.connect(identity)),
          register: async () => response,
        }),
      });
      await expect(auth.createAnchor()).rejects.toMatchObject({ problem });
    }
  });

  it('adds a passkey to a signed-in anchor, excluding the anchor’s existing ones', async () => {
    const { ii, authenticator, auth } = setUp({
      anchors: { '10000': [deviceOf(LAPTOP)] },
      holds: [LAPTOP],
      creatable: [PHONE],
    });
    const session = await auth.signIn(10_000n);
    await auth.addPasskey(session);
    expect(authenticator.create.mock.calls[0]?.[0].publicKey?.excludeCredentials).toEqual([
      { type: 'public-key', id: LAPTOP.credentialId },
    ]);
    expect(await auth.listDevices(session)).toEqual([deviceOf(LAPTOP), deviceOf(PHONE)]);
    expect(ii.anchors.get(10_000n)).toHaveLength(2);
  });
});
