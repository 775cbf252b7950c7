import { describe, expect, it } from 'vitest';

import { CitadelError } from '../errors.js';
import {
  encodeCanisterSignaturePublicKeyDer,
  encodePublicKeyDer,
} from './encode-public-key-der.js';
import { KeyErrorCode } from './errors.js';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

describe('encodePublicKeyDer', () => {
  it('encodePublicKeyDer writes the fixed prefixes of the digest §3.2 table', () => {
    expect(hex(encodePublicKeyDer('ed25519', new Uint8Array(32))).slice(0, 24)).toBe(
      '302a300506032b6570032100',
    );
    expect(hex(encodePublicKeyDer('ecdsa-p256', new Uint8Array(65).fill(4))).slice(0, 52)).toBe(
      '3059301306072a8648ce3d020106082a8648ce3d030107034200',
    );
    expect(
      hex(encodePublicKeyDer('ecdsa-secp256k1', new Uint8Array(65).fill(4))).slice(0, 46),
    ).toBe('3056301006072a8648ce3d020106052b8104000a034200');
    const bls = encodePublicKeyDer('bls12381-g2', new Uint8Array(96));
    expect(bls).toHaveLength(133);
    expect(hex(bls).slice(0, 74)).toBe(
      '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
    );
  });

  it('encodePublicKeyDer fails when the key has the wrong length for its kind', () => {
    expect(() => encodePublicKeyDer('bls12381-g2', new Uint8Array(48))).toThrow(CitadelError);
    try {
      encodePublicKeyDer('ed25519', new Uint8Array(33));
    } catch (error) {
      expect((error as CitadelError).code).toBe(KeyErrorCode.INVALID_LENGTH);
      expect((error as CitadelError).kind).toBe('input');
    }
  });

  it('encodeCanisterSignaturePublicKeyDer wraps len ‖ canister id ‖ seed under OID 1.3.6.1.4.1.56387.1.2', () => {
    const der = encodeCanisterSignaturePublicKeyDer(
      new Uint8Array([1, 2, 3]),
      new Uint8Array([9, 9]),
    );
    expect(hex(der)).toBe('3017300c060a2b0601040183b8430102030700030102030909');
  });

  it('encodeCanisterSignaturePublicKeyDer matches the test vector of dfinity/ic-canister-sig-creation', () => {
    // Canister rwlgt-iiaaa-aaaaa-aaaaa-cai with seed 2a482c (the crate's CANISTER_SIG_PK_DER).
    const der = encodeCanisterSignaturePublicKeyDer(
      new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]),
      new Uint8Array([0x2a, 0x48, 0x2c]),
    );
    expect(hex(der)).toBe('301f300c060a2b0601040183b8430102030f000a000000000000000001012a482c');
  });

  it('encodeCanisterSignaturePublicKeyDer fails on a canister id longer than 29 bytes', () => {
    expect(() => encodeCanisterSignaturePublicKeyDer(new Uint8Array(30), new Uint8Array())).toThrow(
      /at most 29 bytes/,
    );
  });
});
