import { WebAuthnIdentity } from '@dfinity/identity';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { encodeCbor } from '../cbor/encode.js';
import { domainSeparated } from '../domain-separator.js';
import { CitadelError } from '../errors.js';
import { encodePublicKeyDer } from '../keys/encode-public-key-der.js';
import { parsePublicKeyDer } from '../keys/parse-public-key-der.js';
import type { WebAuthnPublicKey } from '../keys/types.js';
import { hashOfMap } from '../request-id.js';
import { SignatureErrorCode } from './errors.js';
import { createSignatureVerifier } from './signature-verifier.js';
import { verifyWebAuthnSignature } from './webauthn.js';

/*
 * Golden vectors from dfinity/ic rs/validator/src/webauthn.rs: a YubiKey P-256 key (COSE,
 * DER-wrapped), its WebAuthn signature of the bytes "hello", and its signature of the
 * delegation {pubkey: [1, 2, 3], expiration: 0} with the ic-request-auth-delegation separator.
 */
const YUBIKEY_DER = hexToBytes(
  '305e300c060a2b0601040183b8430101034e00a5010203262001215820b487d183dc4806058eb31a29bedefd7bcca987b77a381a3684871d8449c183942258202a122cc711a80453678c3032de4b6fff2c86342e82d1e7adb617c4165c43ce5e',
);
const YUBIKEY_SIG_HELLO = hexToBytes(
  'd9d9f7a37261757468656e74696361746f725f646174615825bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5010000000170636c69656e745f646174615f6a736f6e58517b2274797065223a2022776562617574686e2e676574222c20226368616c6c656e6765223a202261475673624738222c20226f726967696e223a202268747470733a2f2f6578616d706c652e6f7267227d697369676e617475726558463044022063627c69661048fb111b13dec2f3675010493c1c276c6a144f44e1fabab01d300220517d3cbd70658933dab63fd23cf05f7274aea6afad206be04d4ec5e268b471d2',
);
const YUBIKEY_SIG_DELEGATION = hexToBytes(
  'd9d9f7a37261757468656e74696361746f725f646174615825bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b5010000000170636c69656e745f646174615f6a736f6e58997b2274797065223a2022776562617574686e2e676574222c20226368616c6c656e6765223a2022476d6c6a4c584a6c6358566c63335174595856306143316b5a57786c5a32463061573975624d7952313366786f7246576730775069346566504e774b562d7a76486467504868716649536d77677141222c20226f726967696e223a202268747470733a2f2f6578616d706c652e6f7267227d697369676e617475726558483046022100d4b7541f3b1b61dd9c6f818f20f54f8b938fe222d88cca6700fabd82a522f13b022100c636b52dfd679b1f86eeb5fcaff360e70b57caa9fe186e1e77c42228eca49037',
);

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const MESSAGE = domainSeparated('ic-request', new Uint8Array(32).fill(7));

function webAuthnKey(der: Uint8Array): WebAuthnPublicKey {
  const key = parsePublicKeyDer(der);
  if (key.kind !== 'webauthn') {
    throw new Error('not a WebAuthn key');
  }
  return key;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(parts.flatMap((part) => [...part]));
}

/** A software authenticator: COSE key plus a `get()` that signs like a browser would. */
interface SyntheticAuthenticator {
  readonly cose: Uint8Array;
  sign(authenticatorData: Uint8Array, clientDataJson: Uint8Array): Uint8Array;
}

function p256Authenticator(): SyntheticAuthenticator {
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  // COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}.
  const cose = concat(
    hexToBytes('a50102032620012158 20'.replace(/ /g, '')),
    point.subarray(1, 33),
    hexToBytes('225820'),
    point.subarray(33),
  );
  return {
    cose,
    sign: (authenticatorData, clientDataJson) =>
      p256
        .sign(sha256(concat(authenticatorData, sha256(clientDataJson))), secret, { prehash: false })
        .toBytes('der'),
  };
}

function ed25519Authenticator(): SyntheticAuthenticator {
  const secret = ed25519.utils.randomSecretKey();
  // COSE_Key {1: 1 (OKP), 3: -8 (EdDSA), -1: 6 (Ed25519), -2: x}.
  const cose = concat(hexToBytes('a4010103272006215820'), ed25519.getPublicKey(secret));
  return {
    cose,
    sign: (authenticatorData, clientDataJson) =>
      ed25519.sign(concat(authenticatorData, sha256(clientDataJson)), secret),
  };
}

const AUTHENTICATOR_DATA = concat(sha256(utf8('localhost')), Uint8Array.of(0x05, 0, 0, 0, 1));

function assertion(
  authenticator: SyntheticAuthenticator,
  challenge: Uint8Array,
  overrides: { signature?: Uint8Array; clientDataJson?: string } = {},
): Uint8Array {
  const clientDataJson =
    overrides.clientDataJson ??
    JSON.stringify({
      type: 'webauthn.get',
      challenge: base64Url(challenge),
      origin: 'http://localhost',
    });
  return encodeCbor({
    authenticator_data: AUTHENTICATOR_DATA,
    client_data_json: clientDataJson,
    signature: overrides.signature ?? authenticator.sign(AUTHENTICATOR_DATA, utf8(clientDataJson)),
  });
}

function expectThrows(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).code).toBe(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('verifyWebAuthnSignature', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('verifyWebAuthnSignature passes for the IC validator golden YubiKey signature of "hello"', () => {
    expect(
      verifyWebAuthnSignature(webAuthnKey(YUBIKEY_DER), utf8('hello'), YUBIKEY_SIG_HELLO),
    ).toEqual({
      valid: true,
    });
  });

  it('verifyWebAuthnSignature passes for the golden YubiKey delegation signature, so delegation hashing matches the IC', () => {
    const message = domainSeparated(
      'ic-request-auth-delegation',
      hashOfMap({ pubkey: new Uint8Array([1, 2, 3]), expiration: 0 }),
    );
    expect(
      verifyWebAuthnSignature(webAuthnKey(YUBIKEY_DER), message, YUBIKEY_SIG_DELEGATION).valid,
    ).toBe(true);
  });

  it('verifyWebAuthnSignature fails when the challenge is not the signed message', () => {
    const result = verifyWebAuthnSignature(
      webAuthnKey(YUBIKEY_DER),
      utf8('hellO'),
      YUBIKEY_SIG_HELLO,
    );
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.INVALID });
  });

  it('verifyWebAuthnSignature passes for a synthetic P-256 authenticator with a DER signature', () => {
    const authenticator = p256Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    expect(verifyWebAuthnSignature(key, MESSAGE, assertion(authenticator, MESSAGE)).valid).toBe(
      true,
    );
  });

  it('verifyWebAuthnSignature passes for a synthetic Ed25519 authenticator', () => {
    const authenticator = ed25519Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    expect(verifyWebAuthnSignature(key, MESSAGE, assertion(authenticator, MESSAGE)).valid).toBe(
      true,
    );
  });

  it('verifyWebAuthnSignature fails when another authenticator signed', () => {
    const key = webAuthnKey(encodePublicKeyDer('webauthn', p256Authenticator().cose));
    const result = verifyWebAuthnSignature(key, MESSAGE, assertion(p256Authenticator(), MESSAGE));
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.INVALID });
  });

  it('verifyWebAuthnSignature fails when the client data was altered after signing', () => {
    const authenticator = p256Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    const signed = JSON.stringify({
      type: 'webauthn.get',
      challenge: base64Url(MESSAGE),
      origin: 'a',
    });
    const signature = authenticator.sign(AUTHENTICATOR_DATA, utf8(signed));
    const result = verifyWebAuthnSignature(
      key,
      MESSAGE,
      assertion(authenticator, MESSAGE, {
        signature,
        clientDataJson: signed.replace('"a"', '"b"'),
      }),
    );
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.INVALID });
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_MALFORMED for a raw r‖s P-256 signature', () => {
    const authenticator = p256Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    const result = verifyWebAuthnSignature(
      key,
      MESSAGE,
      assertion(authenticator, MESSAGE, { signature: new Uint8Array(64).fill(1) }),
    );
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.MALFORMED });
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_MALFORMED when the envelope is not CBOR', () => {
    const key = webAuthnKey(YUBIKEY_DER);
    expect(verifyWebAuthnSignature(key, MESSAGE, new Uint8Array(64))).toMatchObject({
      valid: false,
      code: SignatureErrorCode.MALFORMED,
    });
    expect(
      verifyWebAuthnSignature(key, MESSAGE, encodeCbor({ signature: new Uint8Array(1) })),
    ).toMatchObject({
      valid: false,
      code: SignatureErrorCode.MALFORMED,
    });
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_MALFORMED when client_data_json is not JSON', () => {
    const authenticator = p256Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    const result = verifyWebAuthnSignature(
      key,
      MESSAGE,
      assertion(authenticator, MESSAGE, { clientDataJson: '{' }),
    );
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.MALFORMED });
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_MALFORMED when the challenge is padded base64', () => {
    const authenticator = p256Authenticator();
    const key = webAuthnKey(encodePublicKeyDer('webauthn', authenticator.cose));
    const clientDataJson = JSON.stringify({
      type: 'webauthn.get',
      challenge: `${base64Url(MESSAGE)}=`,
    });
    const result = verifyWebAuthnSignature(
      key,
      MESSAGE,
      assertion(authenticator, MESSAGE, { clientDataJson }),
    );
    expect(result).toMatchObject({ valid: false, code: SignatureErrorCode.MALFORMED });
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_UNSUPPORTED_KEY for an RSA COSE key', () => {
    // kty 3 (RSA), alg -257 (RS256), n and e elided to one byte each.
    const rsa = webAuthnKey(
      encodePublicKeyDer('webauthn', hexToBytes('a4010303390100204101214103')),
    );
    expectThrows(
      () => verifyWebAuthnSignature(rsa, MESSAGE, YUBIKEY_SIG_HELLO),
      SignatureErrorCode.UNSUPPORTED_KEY,
    );
  });

  it('verifyWebAuthnSignature fails with PROTO_SIG_MALFORMED when the COSE key is not a CBOR map', () => {
    const key = webAuthnKey(encodePublicKeyDer('webauthn', hexToBytes('8101')));
    expectThrows(
      () => verifyWebAuthnSignature(key, MESSAGE, YUBIKEY_SIG_HELLO),
      SignatureErrorCode.MALFORMED,
    );
  });

  it('createSignatureVerifier with the webauthn plug-in verifies what @dfinity/identity WebAuthnIdentity signs', async () => {
    const authenticator = p256Authenticator();
    // Stand in for the browser: navigator.credentials.get() runs the synthetic authenticator.
    vi.stubGlobal('navigator', {
      credentials: {
        get: async (options: { publicKey: { challenge: Uint8Array } }) => {
          const clientDataJSON = utf8(
            JSON.stringify({
              type: 'webauthn.get',
              challenge: base64Url(new Uint8Array(options.publicKey.challenge)),
              origin: 'http://localhost:4943',
            }),
          );
          return {
            authenticatorAttachment: null,
            response: {
              authenticatorData: AUTHENTICATOR_DATA.buffer,
              clientDataJSON: clientDataJSON.buffer,
              signature: authenticator.sign(AUTHENTICATOR_DATA, clientDataJSON).buffer,
            },
          };
        },
      },
    });
    const identity = new WebAuthnIdentity(new Uint8Array([1, 2, 3]), authenticator.cose, undefined);
    const signature = new Uint8Array(await identity.sign(MESSAGE));
    const verifier = createSignatureVerifier({ webauthn: verifyWebAuthnSignature });
    const der = new Uint8Array(identity.getPublicKey().toDer());
    expect(() => verifier.verify(der, MESSAGE, signature)).not.toThrow();
    expect(verifier.check(der, utf8('other'), signature).valid).toBe(false);
  });
});
