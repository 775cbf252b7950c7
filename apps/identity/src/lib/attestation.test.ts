import { describe, expect, it } from 'vitest';
import { makePasskey } from '../testing/make-passkey';
import { coseToDer, readAttestationObject, readAttestedKey } from './attestation';
import { IdentityError } from './identity-error';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const PASSKEY = makePasskey(1);

function problemOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof IdentityError ? error.problem : error;
  }
  throw new Error('expected an IdentityError');
}

describe('readAttestationObject', () => {
  it('reads the credential id and the 77-byte COSE key of a P-256 passkey', () => {
    const key = readAttestationObject(PASSKEY.attestationObject());
    expect(key.credentialId).toEqual(PASSKEY.credentialId);
    expect(key.cose).toHaveLength(77);
    // The COSE key's x and y are the authenticator's public point.
    expect(hex(key.cose)).toBe(
      `a5010203262001215820${hex(PASSKEY.publicKey.slice(1, 33))}225820${hex(PASSKEY.publicKey.slice(33))}`,
    );
  });

  it('stops at the end of the COSE key when extensions follow it (ED flag)', () => {
    const key = readAttestationObject(PASSKEY.attestationObject({ extensions: true }));
    expect(key.cose).toEqual(PASSKEY.cose);
  });

  it('fails as passkey-unreadable on data that is not an attestation object', () => {
    expect(problemOf(() => readAttestationObject(Uint8Array.of(0xff)))).toMatchObject({
      kind: 'passkey-unreadable',
    });
    // {"fmt": "none"}: no authData.
    expect(
      problemOf(() => readAttestationObject(Uint8Array.of(0xa1, 0x63, 0x66, 0x6d, 0x74, 0x60))),
    ).toEqual({
      kind: 'passkey-unreadable',
      detail: 'the attestation object has no authData bytes',
    });
  });
});

describe('readAttestedKey', () => {
  it('fails when the AT flag is unset, the data is short, or the key is cut off', () => {
    const authData = PASSKEY.authData();
    const withoutAt = authData.slice();
    withoutAt[32] = 0x05;
    for (const broken of [withoutAt, authData.slice(0, 40), authData.slice(0, -1)]) {
      expect(problemOf(() => readAttestedKey(broken))).toMatchObject({
        kind: 'passkey-unreadable',
      });
    }
  });
});

describe('coseToDer', () => {
  it('wraps a P-256 COSE key in DER with the IC’s COSE OID (1.3.6.1.4.1.56387.1.1)', () => {
    const der = coseToDer(PASSKEY.cose);
    // SEQUENCE of 0x5e = 94 content bytes: the 14-byte OID sequence, then the BIT STRING
    // (3 header bytes, 77 key bytes). 96 bytes in all.
    expect(der).toHaveLength(96);
    expect(hex(der)).toBe(`305e300c060a2b0601040183b8430101034e00${hex(PASSKEY.cose)}`);
  });
});
