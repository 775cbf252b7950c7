import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { encodeCbor } from '../cbor/encode.js';
import type { CborValue } from '../cbor/types.js';
import { CitadelError } from '../errors.js';
import type { HashTree } from '../hash-tree/types.js';
import { decodeCertificate, encodeCertificate } from './codec.js';
import { CertificateErrorCode } from './errors.js';
import { stateRootMessage } from './state-root-message.js';

const tree: HashTree = [2, new TextEncoder().encode('time'), [3, new Uint8Array([1])]];
const signature = new Uint8Array(48).fill(0xab);

function malformedCode(value: CborValue | Uint8Array, raw = false): string | undefined {
  try {
    decodeCertificate(raw ? (value as Uint8Array) : encodeCbor(value));
  } catch (error) {
    expect(error).toBeInstanceOf(CitadelError);
    expect((error as CitadelError).kind).toBe('trust');
    return (error as CitadelError).code;
  }
  return undefined;
}

describe('encodeCertificate / decodeCertificate', () => {
  it('encodeCertificate writes a tag-55799 map and omits an absent delegation', () => {
    const bytes = encodeCertificate({ tree, signature });
    expect(bytesToHex(bytes.subarray(0, 4))).toBe('d9d9f7a2');
    expect(decodeCertificate(bytes)).toEqual({ tree, signature });
    expect('delegation' in decodeCertificate(bytes)).toBe(false);
  });

  it('encodeCertificate round trips a delegation', () => {
    const delegation = {
      subnetId: new Uint8Array(29).fill(1),
      certificate: new Uint8Array([1, 2]),
    };
    const bytes = encodeCertificate({ tree, signature, delegation });
    expect(decodeCertificate(bytes)).toEqual({ tree, signature, delegation });
  });

  it('decodeCertificate treats a CBOR-undefined delegation as absent, as the agent writes it', () => {
    expect(decodeCertificate(encodeCbor({ tree, signature, delegation: undefined }))).toEqual({
      tree,
      signature,
    });
    const withF7 = new Uint8Array([...encodeCbor({ tree, signature, delegation: 0 })]);
    withF7[withF7.length - 1] = 0xf7;
    expect(decodeCertificate(withF7)).toEqual({ tree, signature });
  });

  it.each<[string, CborValue]>([
    ['a non-map', [tree, signature]],
    ['a missing tree', { signature }],
    ['a missing signature', { tree }],
    ['a 47-byte signature', { tree, signature: new Uint8Array(47) }],
    ['a text signature', { tree, signature: 'sig' }],
    ['an unknown key', { tree, signature, extra: 1 }],
    ['a malformed tree', { tree: [9], signature }],
    ['a delegation that is not a map', { tree, signature, delegation: new Uint8Array(1) }],
    [
      'a delegation without certificate',
      { tree, signature, delegation: { subnet_id: new Uint8Array(29) } },
    ],
    [
      'a delegation with a 30-byte subnet id',
      {
        tree,
        signature,
        delegation: { subnet_id: new Uint8Array(30), certificate: new Uint8Array() },
      },
    ],
  ])('decodeCertificate fails on %s', (_name, value) => {
    expect(malformedCode(value)).toBe(CertificateErrorCode.MALFORMED);
  });

  it('decodeCertificate fails on invalid CBOR and trailing bytes, keeping the CBOR code', () => {
    expect(malformedCode(new Uint8Array([0xff]), true)).toBe(CertificateErrorCode.MALFORMED);
    const bytes = encodeCertificate({ tree, signature });
    try {
      decodeCertificate(new Uint8Array([...bytes, 0]));
    } catch (error) {
      expect((error as CitadelError).details.causeCode).toBe('PROTO_CBOR_TRAILING_BYTES');
    }
    expect.assertions(4);
  });
});

describe('stateRootMessage', () => {
  it('stateRootMessage prefixes 0x0D "ic-state-root"', () => {
    const message = stateRootMessage(new Uint8Array(32).fill(1));
    expect(bytesToHex(message.subarray(0, 14))).toBe(
      '0d' + bytesToHex(new TextEncoder().encode('ic-state-root')),
    );
    expect(message.length).toBe(14 + 32);
  });
});
