import { Principal } from '@dfinity/principal';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { CitadelError } from './errors.js';
import {
  ANONYMOUS_PRINCIPAL,
  MANAGEMENT_CANISTER_ID,
  PrincipalErrorCode,
  canisterIdFromIndex,
  comparePrincipals,
  principalFromText,
  principalToText,
  selfAuthenticatingPrincipal,
} from './principal.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    return (error as CitadelError).code;
  }
  return undefined;
}

describe('canisterIdFromIndex', () => {
  it('canisterIdFromIndex gives the well-known ids of indices 0, 1 and 2', () => {
    expect(principalToText(canisterIdFromIndex(0n))).toBe('rwlgt-iiaaa-aaaaa-aaaaa-cai');
    expect(principalToText(canisterIdFromIndex(1n))).toBe('rrkah-fqaaa-aaaaa-aaaaq-cai');
    expect(principalToText(canisterIdFromIndex(2n))).toBe('ryjl3-tyaaa-aaaaa-aaaba-cai');
  });

  it('canisterIdFromIndex lays out 8 big-endian bytes then 0x01 0x01', () => {
    expect(bytesToHex(canisterIdFromIndex(0x04d2n))).toBe('00000000000004d20101');
    expect(bytesToHex(canisterIdFromIndex(2n ** 64n - 1n))).toBe('ffffffffffffffff0101');
  });

  it('canisterIdFromIndex fails outside [0, 2^64 - 1]', () => {
    expect(codeOf(() => canisterIdFromIndex(-1n))).toBe(PrincipalErrorCode.INVALID_CANISTER_INDEX);
    expect(codeOf(() => canisterIdFromIndex(2n ** 64n))).toBe(
      PrincipalErrorCode.INVALID_CANISTER_INDEX,
    );
  });
});

describe('selfAuthenticatingPrincipal', () => {
  it('selfAuthenticatingPrincipal matches Principal.selfAuthenticating', () => {
    const der = hexToBytes('302a300506032b6570032100' + '11'.repeat(32));
    expect(selfAuthenticatingPrincipal(der)).toEqual(
      Principal.selfAuthenticating(der).toUint8Array(),
    );
  });

  it('selfAuthenticatingPrincipal of the mainnet root key is the NNS subnet id', () => {
    const der = hexToBytes(
      '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100' +
        '814c0e6ec71fab583b08bd81373c255c3c371b2e84863c98a4f1e08b74235d14fb5d9c0cd546d9685f913a0c0b2cc5341583bf4b4392e467db96d65b9bb4cb717112f8472e0d5a4d14505ffd7484b01291091c5f87b98883463f98091a0baaae',
    );
    expect(principalToText(selfAuthenticatingPrincipal(der))).toBe(
      'tdb26-jop6k-aogll-7ltgs-eruif-6kk7m-qpktf-gdiqx-mxtrf-vb5e6-eqe',
    );
  });
});

describe('special principals', () => {
  it('ANONYMOUS_PRINCIPAL is 2vxsx-fae and MANAGEMENT_CANISTER_ID is aaaaa-aa', () => {
    expect(principalToText(ANONYMOUS_PRINCIPAL)).toBe('2vxsx-fae');
    expect(principalToText(MANAGEMENT_CANISTER_ID)).toBe('aaaaa-aa');
  });
});

describe('principalFromText', () => {
  it('principalFromText inverts principalToText', () => {
    for (const text of ['aaaaa-aa', '2vxsx-fae', 'rrkah-fqaaa-aaaaa-aaaaq-cai']) {
      expect(principalToText(principalFromText(text))).toBe(text);
    }
    expect(principalFromText('aaaaa-aa')).toEqual(new Uint8Array());
  });

  it.each([
    ['a wrong checksum', 'rrkah-fqaaa-aaaaa-aaaaq-caj'],
    ['upper case', 'RRKAH-FQAAA-AAAAA-AAAAQ-CAI'],
    ['misplaced dashes', 'rrkahf-qaaa-aaaaa-aaaaq-cai'],
    ['the empty string', ''],
    ['JSON', '{"__principal__":"aaaaa-aa"}'],
    ['a principal longer than 29 bytes', principalToText(new Uint8Array(29)) + 'aaaaa'],
  ])('principalFromText fails on %s', (_name, text) => {
    expect(codeOf(() => principalFromText(text))).toBe(PrincipalErrorCode.INVALID);
  });

  it('principalToText fails on more than 29 bytes', () => {
    expect(codeOf(() => principalToText(new Uint8Array(30)))).toBe(PrincipalErrorCode.INVALID);
  });
});

describe('comparePrincipals', () => {
  it('comparePrincipals orders bytewise with a proper prefix first, like Principal.compareTo', () => {
    const ids = [
      new Uint8Array(),
      new Uint8Array([0]),
      new Uint8Array([0, 0]),
      new Uint8Array([1]),
      canisterIdFromIndex(1n),
      canisterIdFromIndex(2n),
    ];
    const expected = { lt: -1, eq: 0, gt: 1 } as const;
    for (const a of ids) {
      for (const b of ids) {
        const theirs = Principal.fromUint8Array(a).compareTo(Principal.fromUint8Array(b));
        expect(comparePrincipals(a, b)).toBe(expected[theirs]);
      }
    }
  });
});
