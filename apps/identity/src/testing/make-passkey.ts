/**
 * A software passkey for tests: a deterministic P-256 key that produces attestation objects
 * and assertions laid out byte for byte as an authenticator's (WebAuthn §6.1, §6.5), with
 * the CBOR built by hand so nothing of the code under test helps build it.
 */
import { p256 } from '@noble/curves/nist';
import { sha256 } from '@noble/hashes/sha2';

/** What `navigator.credentials.get` resolves to, with the fields the II frontend reads. */
export interface FakeAssertion {
  readonly type: 'public-key';
  readonly rawId: ArrayBuffer;
  readonly authenticatorAttachment: 'platform';
  readonly response: {
    readonly authenticatorData: ArrayBuffer;
    readonly clientDataJSON: ArrayBuffer;
    readonly signature: ArrayBuffer;
  };
}

/** A passkey held by a fake authenticator. */
export interface TestPasskey {
  readonly credentialId: Uint8Array;
  /** The uncompressed public point, `04 || x || y`. */
  readonly publicKey: Uint8Array;
  /** The 77-byte COSE_Key {kty: EC2, alg: ES256, crv: P-256, x, y}. */
  readonly cose: Uint8Array;
  /** The authenticator data of its creation; `extensions` sets ED and appends extensions. */
  authData(options?: { extensions?: boolean }): Uint8Array;
  /** A `none` attestation object around {@link TestPasskey.authData}. */
  attestationObject(options?: { extensions?: boolean }): Uint8Array;
  /** Signs `challenge` as an assertion made on a page at `origin`. */
  assert(challenge: Uint8Array, origin: string): FakeAssertion;
}

const RP_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai.localhost';
const FLAGS_UP_UV = 0x05;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

/** The passkey number `seed` (1, 2, …): the same keys and credential id every run. */
export function makePasskey(seed: number): TestPasskey {
  const privateKey = new Uint8Array(32).fill(seed);
  const publicKey = p256.getPublicKey(privateKey, false);
  const credentialId = Uint8Array.from({ length: 16 }, (_, i) => (seed * 16 + i) & 0xff);
  const cose = concat(
    [0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20],
    publicKey.slice(1, 33),
    [0x22, 0x58, 0x20],
    publicKey.slice(33, 65),
  );
  const authData = ({ extensions = false } = {}) =>
    concat(
      sha256(new TextEncoder().encode(RP_ID)),
      [FLAGS_UP_UV | FLAG_AT | (extensions ? FLAG_ED : 0)],
      [0, 0, 0, 0],
      new Uint8Array(16),
      [credentialId.length >> 8, credentialId.length & 0xff],
      credentialId,
      cose,
      // {"credProtect": 2}, as a security key with credProtect reports it.
      extensions ? concat([0xa1, 0x6b], ascii('credProtect'), [0x02]) : [],
    );
  return {
    credentialId,
    publicKey,
    cose,
    authData,
    attestationObject: (options) =>
      concat(
        [0xa3, 0x63],
        ascii('fmt'),
        [0x64],
        ascii('none'),
        [0x67],
        ascii('attStmt'),
        [0xa0, 0x68],
        ascii('authData'),
        byteStringHead(authData(options).length),
        authData(options),
      ),
    assert(challenge, origin) {
      const authenticatorData = concat(sha256(ascii(RP_ID)), [FLAGS_UP_UV], [0, 0, 0, 1]);
      const clientDataJSON = ascii(
        JSON.stringify({
          type: 'webauthn.get',
          challenge: base64Url(challenge),
          origin,
          crossOrigin: false,
        }),
      );
      const signed = concat(authenticatorData, sha256(clientDataJSON));
      const signature = p256.sign(sha256(signed), privateKey).toDERRawBytes();
      return {
        type: 'public-key',
        rawId: buffer(credentialId),
        authenticatorAttachment: 'platform',
        response: {
          authenticatorData: buffer(authenticatorData),
          clientDataJSON: buffer(clientDataJSON),
          signature: buffer(signature),
        },
      };
    },
  };
}

function byteStringHead(length: number): number[] {
  return length < 24
    ? [0x40 | length]
    : length < 256
      ? [0x58, length]
      : [0x59, length >> 8, length & 0xff];
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** A copy of `bytes` on an ArrayBuffer of its own, as WebAuthn hands them out. */
function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
