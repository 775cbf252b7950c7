import { IC_ROOT_KEY } from '@dfinity/agent';
import { ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import { canisterIdFromIndex } from '../principal.js';
import {
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
} from './encode-public-key-der.js';
import { KeyErrorCode } from './errors.js';
import { parsePublicKeyDer } from './parse-public-key-der.js';

/**
 * A P-256 COSE key from a YubiKey, DER-wrapped; golden vector from dfinity/ic
 * rs/validator/src/webauthn.rs (`ECDSA_P256_PK_COSE_DER_WRAPPED_HEX`).
 */
const WEBAUTHN_P256_DER = hexToBytes(
  '305e300c060a2b0601040183b8430101034e00a5010203262001215820b487d183dc4806058eb31a29bedefd7bcca987b77a381a3684871d8449c183942258202a122cc711a80453678c3032de4b6fff2c86342e82d1e7adb617c4165c43ce5e',
);

/** An RSA-2048 COSE key from Windows Hello, DER-wrapped (same source, `RSA_PK_COSE_DER_WRAPPED_HEX`); its lengths use the 0x82 long form. */
const WEBAUTHN_RSA_DER = hexToBytes(
  '30820123300c060a2b0601040183b84301010382011100a401030339010020590100c6b690341eef02719f6d1dfce2db1f77ac9bd632ba70efcee92bae2073c09927ee3670a6696eec0cee96189ddb448d04ec4e4674e940af9f905e893b4ce25821ada8b45c6cd11f2ee0cda668c7c2a2a8a56d5e1f23f5ca0bb6e193c1d34ead16d84cc4b72e26763711fcf49fac3b508715dc9f494ec1379ed5a95c53b9b1edcc027d7013248bbe6d1e1445912a5a21b27168db7f60aa73253e981c33f54f61c67dbce3d9c10d5f0e6af1c112a65c8ce64a1d01ae1e31a53e3d4525addcece402f1e62208d42ebde528830f93bebc898901947ec0fb218a96a53968d07e09b8a067e5a4c825632e24e450c4c9ef8138dcc91f9f9168a603c13bd4f2f8a0d3ee6b2143010001',
);

function expectKeyError(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).code).toBe(code);
    expect((error as CitadelError).kind).toBe('protocol');
    return;
  }
  expect.fail(`expected a CitadelError with code ${code}`);
}

/** Rebuilds `der` with byte `index` replaced. */
function withByte(der: Uint8Array, index: number, value: number): Uint8Array {
  const copy = der.slice();
  copy[index] = value;
  return copy;
}

describe('parsePublicKeyDer', () => {
  it('parsePublicKeyDer reads an Ed25519KeyIdentity key and encodePublicKeyDer rebuilds it', () => {
    const der = new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer());
    const parsed = parsePublicKeyDer(der);
    expect(parsed.kind).toBe('ed25519');
    expect(parsed.raw).toHaveLength(32);
    expect(parsed.kind === 'ed25519' && encodePublicKeyDer(parsed.kind, parsed.raw)).toEqual(der);
  });

  it('parsePublicKeyDer reads an ECDSAKeyIdentity (WebCrypto P-256) key and encodePublicKeyDer rebuilds it', async () => {
    const identity = await ECDSAKeyIdentity.generate();
    const der = new Uint8Array(identity.getPublicKey().toDer());
    const parsed = parsePublicKeyDer(der);
    expect(parsed.kind).toBe('ecdsa-p256');
    expect(parsed.raw).toHaveLength(65);
    expect(parsed.raw[0]).toBe(0x04);
    expect(encodePublicKeyDer('ecdsa-p256', parsed.raw)).toEqual(der);
  });

  it('parsePublicKeyDer reads a Secp256k1KeyIdentity key and encodePublicKeyDer rebuilds it', () => {
    const der = new Uint8Array(Secp256k1KeyIdentity.generate().getPublicKey().toDer());
    const parsed = parsePublicKeyDer(der);
    expect(parsed.kind).toBe('ecdsa-secp256k1');
    expect(parsed.raw).toHaveLength(65);
    expect(encodePublicKeyDer('ecdsa-secp256k1', parsed.raw)).toEqual(der);
  });

  it('parsePublicKeyDer reads the mainnet root key as a 96-byte BLS12-381 G2 key', () => {
    const der = hexToBytes(IC_ROOT_KEY);
    const parsed = parsePublicKeyDer(der);
    expect(parsed.kind).toBe('bls12381-g2');
    expect(parsed.raw).toHaveLength(96);
    expect(encodePublicKeyDer('bls12381-g2', parsed.raw)).toEqual(der);
  });

  it('parsePublicKeyDer returns the COSE key of a DER-wrapped WebAuthn key', () => {
    const parsed = parsePublicKeyDer(WEBAUTHN_P256_DER);
    expect(parsed.kind).toBe('webauthn');
    expect(parsed.raw).toEqual(WEBAUTHN_P256_DER.subarray(19));
    expect(encodePublicKeyDer('webauthn', parsed.raw)).toEqual(WEBAUTHN_P256_DER);
  });

  it('parsePublicKeyDer accepts the two-byte long-form lengths of an RSA WebAuthn key', () => {
    const parsed = parsePublicKeyDer(WEBAUTHN_RSA_DER);
    expect(parsed.kind).toBe('webauthn');
    expect(parsed.raw).toHaveLength(0x110);
    expect(encodePublicKeyDer('webauthn', parsed.raw)).toEqual(WEBAUTHN_RSA_DER);
  });

  it('parsePublicKeyDer splits a canister-signature key into canister id and seed', () => {
    const canisterId = canisterIdFromIndex(7n);
    const seed = new Uint8Array(32).fill(0xab);
    const der = encodeCanisterSignaturePublicKeyDer(canisterId, seed);
    const parsed = parsePublicKeyDer(der);
    expect(parsed.kind).toBe('canister-signature');
    if (parsed.kind !== 'canister-signature') {
      return;
    }
    expect(parsed.canisterId).toEqual(canisterId);
    expect(parsed.seed).toEqual(seed);
    expect(parsed.raw).toEqual(new Uint8Array([10, ...canisterId, ...seed]));
  });

  it('parsePublicKeyDer accepts a canister-signature key with an empty seed', () => {
    const parsed = parsePublicKeyDer(
      encodeCanisterSignaturePublicKeyDer(new Uint8Array([1]), new Uint8Array()),
    );
    expect(parsed.kind === 'canister-signature' && parsed.seed).toEqual(new Uint8Array());
  });

  it('parsePublicKeyDer fails when given a raw 32-byte key instead of DER', () => {
    const raw = Ed25519KeyIdentity.generate().getPublicKey().rawKey;
    expectKeyError(() => parsePublicKeyDer(new Uint8Array(raw)), KeyErrorCode.MALFORMED_DER);
  });

  it('parsePublicKeyDer fails on empty input', () => {
    expectKeyError(() => parsePublicKeyDer(new Uint8Array()), KeyErrorCode.MALFORMED_DER);
  });

  it('parsePublicKeyDer fails when the key is truncated', () => {
    const der = new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer());
    expectKeyError(
      () => parsePublicKeyDer(der.subarray(0, der.length - 1)),
      KeyErrorCode.MALFORMED_DER,
    );
  });

  it('parsePublicKeyDer fails when bytes follow the key', () => {
    const der = new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer());
    expectKeyError(
      () => parsePublicKeyDer(new Uint8Array([...der, 0])),
      KeyErrorCode.MALFORMED_DER,
    );
  });

  it('parsePublicKeyDer fails on a non-minimal length encoding', () => {
    const der = new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer());
    // 0x81 0x2a encodes 42 like 0x2a does, which DER forbids.
    const longForm = new Uint8Array([0x30, 0x81, ...der.subarray(1)]);
    expectKeyError(() => parsePublicKeyDer(longForm), KeyErrorCode.MALFORMED_DER);
  });

  it('parsePublicKeyDer fails when the BIT STRING declares unused bits', () => {
    const der = new Uint8Array(Ed25519KeyIdentity.generate().getPublicKey().toDer());
    expectKeyError(() => parsePublicKeyDer(withByte(der, 11, 0x01)), KeyErrorCode.MALFORMED_DER);
  });

  it('parsePublicKeyDer fails on an RSA SubjectPublicKeyInfo outside WebAuthn', () => {
    // rsaEncryption AlgorithmIdentifier (1.2.840.113549.1.1.1, NULL) around a short dummy key.
    const rsa = hexToBytes('301c300d06092a864886f70d0101010500030b0030080201010203010001');
    expectKeyError(() => parsePublicKeyDer(rsa), KeyErrorCode.UNSUPPORTED_ALGORITHM);
  });

  it('parsePublicKeyDer fails when an Ed25519 key has 31 bytes', () => {
    // Valid DER structure, Ed25519 OID, but a 31-byte key.
    const short = hexToBytes(`3029300506032b6570032000${'11'.repeat(31)}`);
    expectKeyError(() => parsePublicKeyDer(short), KeyErrorCode.INVALID_LENGTH);
  });

  it('parsePublicKeyDer fails on a compressed P-256 point', () => {
    const compressed = hexToBytes(
      `3039301306072a8648ce3d020106082a8648ce3d03010703220002${'22'.repeat(32)}`,
    );
    expectKeyError(() => parsePublicKeyDer(compressed), KeyErrorCode.INVALID_LENGTH);
  });

  it('parsePublicKeyDer fails on a 65-byte P-256 key that does not start with 0x04', async () => {
    const der = new Uint8Array((await ECDSAKeyIdentity.generate()).getPublicKey().toDer());
    expectKeyError(() => parsePublicKeyDer(withByte(der, 26, 0x02)), KeyErrorCode.INVALID_KEY);
  });

  it('parsePublicKeyDer fails when a canister-signature key claims a 30-byte canister id', () => {
    const der = encodeCanisterSignaturePublicKeyDer(new Uint8Array(29), new Uint8Array(8));
    // The payload's first byte (after 30 L, 14-byte AlgorithmIdentifier, 03 L 00) is the id length.
    expectKeyError(() => parsePublicKeyDer(withByte(der, 19, 30)), KeyErrorCode.INVALID_KEY);
  });

  it('parsePublicKeyDer fails when a canister-signature key is shorter than its canister id', () => {
    const der = encodeCanisterSignaturePublicKeyDer(new Uint8Array(4), new Uint8Array());
    expectKeyError(() => parsePublicKeyDer(withByte(der, 19, 5)), KeyErrorCode.INVALID_KEY);
  });

  it('parsePublicKeyDer fails on an empty WebAuthn key', () => {
    expectKeyError(
      () => parsePublicKeyDer(hexToBytes('3011300c060a2b0601040183b8430101030100')),
      KeyErrorCode.INVALID_LENGTH,
    );
  });
});
