import type { ActorSubclass, SignIdentity } from '@dfinity/agent';
import { Actor, HttpAgent } from '@dfinity/agent';
import {
  DelegationChain,
  DelegationIdentity,
  ECDSAKeyIdentity,
  WebAuthnIdentity,
} from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { IngressErrorCode } from '../auth/index.js';
import type { ServedNetwork, TestNetwork } from './harness.js';
import { startTestNetwork } from './harness.js';
import type { ProbeActor } from './probe.js';
import { probeIdlFactory } from './probe.js';

// Passkeys, end to end through the HTTP interface: unmodified @dfinity/identity's
// WebAuthnIdentity signs requests through `navigator.credentials.get`, answered here by a
// software authenticator that does what a browser's does (P-256, authenticator data, client
// data JSON with the challenge, a DER signature over both). That is how Internet Identity's
// frontend authenticates to its canister: directly, or through a session key the passkey
// delegates to. The caller must be the self-authenticating principal of the COSE key.

/** The part of the WebAuthn assertion answer WebAuthnIdentity reads. */
interface Assertion {
  readonly authenticatorAttachment: null;
  readonly response: {
    readonly authenticatorData: Uint8Array;
    readonly clientDataJSON: Uint8Array;
    readonly signature: Uint8Array;
  };
}

const ORIGIN = 'http://rdmx6-jaaaa-aaaaa-aaadq-cai.localhost:4943';

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A platform authenticator with one P-256 credential, as Chromium's virtual one behaves. */
class SoftwareAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16));
  readonly #secret = p256.utils.randomPrivateKey();
  /** What the next assertion does to its own bytes, to test refusals. */
  tamper: ((assertion: Assertion) => Assertion) | undefined;
  #counter = 0;

  /** The credential's public key as COSE (EC2, ES256), as `attestationObject` carries it. */
  cose(): Uint8Array {
    const point = p256.getPublicKey(this.#secret, false);
    // CBOR map {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}, integer keys.
    return new Uint8Array([
      0xa5,
      ...[0x01, 0x02, 0x03, 0x26, 0x20, 0x01],
      ...[0x21, 0x58, 0x20, ...point.subarray(1, 33)],
      ...[0x22, 0x58, 0x20, ...point.subarray(33, 65)],
    ]);
  }

  get(options: { publicKey: { challenge: Uint8Array; allowCredentials: { id: Uint8Array }[] } }) {
    const allowed = options.publicKey.allowCredentials.some(
      ({ id }) => Buffer.compare(Buffer.from(id), Buffer.from(this.credentialId)) === 0,
    );
    if (!allowed) {
      throw new Error('NotAllowedError: no such credential');
    }
    const authenticatorData = new Uint8Array(37);
    authenticatorData.set(sha256(new TextEncoder().encode(new URL(ORIGIN).hostname)), 0);
    authenticatorData[32] = 0x05; // user present and verified
    new DataView(authenticatorData.buffer).setUint32(33, ++this.#counter);
    const clientDataJSON = new TextEncoder().encode(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: base64url(new Uint8Array(options.publicKey.challenge)),
        origin: ORIGIN,
        crossOrigin: false,
      }),
    );
    const signed = new Uint8Array([...authenticatorData, ...sha256(clientDataJSON)]);
    const signature = p256.sign(sha256(signed), this.#secret).toDERRawBytes();
    const assertion: Assertion = {
      authenticatorAttachment: null,
      response: { authenticatorData, clientDataJSON, signature },
    };
    return this.tamper === undefined ? assertion : this.tamper(assertion);
  }
}

describe('WebAuthn (passkey) signatures through the HTTP interface', () => {
  let net: TestNetwork;
  let served: ServedNetwork;
  let target: Principal;
  const authenticator = new SoftwareAuthenticator();
  const refusals: { status: number; code: string | null }[] = [];
  let passkey: WebAuthnIdentity;

  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status >= 400) {
      refusals.push({
        status: response.status,
        code: response.headers.get('x-citadel-error-code'),
      });
    }
    return response;
  };

  async function probeAs(
    identity: SignIdentity,
    refused = false,
  ): Promise<ActorSubclass<ProbeActor>> {
    const agent = await HttpAgent.create({
      host: served.url,
      identity,
      fetch: recordingFetch,
      shouldFetchRootKey: true,
      retryTimes: 0,
      verifyQuerySignatures: !refused,
    });
    return Actor.createActor<ProbeActor>(probeIdlFactory, { agent, canisterId: target });
  }

  beforeAll(async () => {
    // Node has no WebAuthn: the software authenticator answers WebAuthnIdentity's calls.
    Object.defineProperty(globalThis, 'navigator', {
      value: { credentials: { get: async (options: never) => authenticator.get(options) } },
      configurable: true,
    });
    net = await startTestNetwork();
    served = await net.serve();
    target = await net.deployProbe(Ed25519KeyIdentity.generate());
    passkey = new WebAuthnIdentity(authenticator.credentialId, authenticator.cose(), undefined);
  });
  afterAll(async () => {
    Reflect.deleteProperty(globalThis, 'navigator');
    await net.close();
  });

  it('calls updates and queries signed by the passkey as the principal of its COSE key', async () => {
    const expected = Principal.selfAuthenticating(new Uint8Array(passkey.getPublicKey().toDer()));
    const probe = await probeAs(passkey);
    expect((await probe.whoami_update()).toText()).toBe(expected.toText());
    expect((await probe.whoami()).toText()).toBe(expected.toText());
  });

  it('accepts a session key the passkey delegated to, as II’s frontend signs in to its canister', async () => {
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(
      passkey,
      session.getPublicKey(),
      new Date(Date.now() + 10 * 60_000),
      { targets: [target] },
    );
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const probe = await probeAs(identity);
    expect((await probe.whoami_update()).toText()).toBe(passkey.getPrincipal().toText());
  });

  it('refuses a request whose assertion was made over another challenge, and keeps serving', async () => {
    authenticator.tamper = (assertion) => {
      const json = JSON.parse(new TextDecoder().decode(assertion.response.clientDataJSON)) as {
        challenge: string;
      };
      json.challenge = base64url(new Uint8Array(43));
      return {
        ...assertion,
        response: {
          ...assertion.response,
          clientDataJSON: new TextEncoder().encode(JSON.stringify(json)),
        },
      };
    };
    try {
      refusals.length = 0;
      await expect((await probeAs(passkey, true)).whoami_update()).rejects.toThrow();
      expect(refusals.at(-1)).toEqual({ status: 400, code: IngressErrorCode.INVALID_SIGNATURE });
    } finally {
      authenticator.tamper = undefined;
    }
    expect((await (await probeAs(passkey)).whoami_update()).toText()).toBe(
      passkey.getPrincipal().toText(),
    );
  });

  it('refuses an assertion whose signature does not cover its data', async () => {
    authenticator.tamper = (assertion) => {
      const authenticatorData = new Uint8Array(assertion.response.authenticatorData);
      authenticatorData[36] = (authenticatorData[36] ?? 0) ^ 0xff; // the counter, after signing
      return { ...assertion, response: { ...assertion.response, authenticatorData } };
    };
    try {
      refusals.length = 0;
      await expect((await probeAs(passkey, true)).whoami_update()).rejects.toThrow();
      expect(refusals.at(-1)).toEqual({ status: 400, code: IngressErrorCode.INVALID_SIGNATURE });
    } finally {
      authenticator.tamper = undefined;
    }
  });

  it('refuses a passkey’s delegation whose targets leave out the called canister', async () => {
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(
      passkey,
      session.getPublicKey(),
      new Date(Date.now() + 10 * 60_000),
      { targets: [Principal.fromText('aaaaa-aa')] },
    );
    refusals.length = 0;
    const probe = await probeAs(DelegationIdentity.fromDelegation(session, chain), true);
    await expect(probe.whoami_update()).rejects.toThrow();
    expect(refusals.at(-1)).toEqual({
      status: 400,
      code: IngressErrorCode.NOT_A_DELEGATION_TARGET,
    });
  });
});
