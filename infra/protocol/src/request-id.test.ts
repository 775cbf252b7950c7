import { requestIdOf as agentRequestIdOf, Expiry } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';

import { decodeCbor } from './cbor/decode.js';
import { encodeCbor } from './cbor/encode.js';
import type { CborMap } from './cbor/types.js';
import { CitadelError } from './errors.js';
import { RequestIdErrorCode, hashOfMap, requestIdOf } from './request-id.js';

const hex = (bytes: Uint8Array): string => bytesToHex(bytes);

describe('requestIdOf', () => {
  it('requestIdOf reproduces the interface spec example request id', () => {
    const content = {
      request_type: 'call',
      sender: new Uint8Array([0x04]),
      ingress_expiry: 1685570400000000000n,
      canister_id: hexToBytes('00000000000004D2'),
      method_name: 'hello',
      arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0xfd, 0x2a]),
    };
    expect(hex(requestIdOf(content))).toBe(
      '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101',
    );
  });

  it('requestIdOf does not depend on field order', () => {
    const a = { method_name: 'm', arg: new Uint8Array([1]), request_type: 'query' };
    const b = { request_type: 'query', arg: new Uint8Array([1]), method_name: 'm' };
    expect(hex(requestIdOf(a))).toBe(hex(requestIdOf(b)));
  });

  it('requestIdOf skips undefined fields, as the agent does', () => {
    const withUndefined = { request_type: 'call', nonce: undefined };
    expect(hex(requestIdOf(withUndefined))).toBe(hex(requestIdOf({ request_type: 'call' })));
  });

  it('requestIdOf is the same on the decoded CBOR of an agent-encoded request', () => {
    const content = {
      request_type: 'call',
      canister_id: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
      method_name: 'greet',
      arg: new Uint8Array([1, 2, 3]),
      sender: new Uint8Array([4]),
      ingress_expiry: 1685570400000000000n,
      nonce: undefined,
    };
    const decoded = decodeCbor(encodeCbor({ content })) as { content: CborMap };
    expect(hex(requestIdOf(decoded.content))).toBe(hex(agentRequestIdOf(content)));
  });
});

describe('hashOfMap agrees with @dfinity/agent', () => {
  const cases: [string, CborMap, Record<string, unknown>][] = [
    ['an empty map', {}, {}],
    [
      'small and large nats',
      { a: 0, b: 127, c: 128, d: 2 ** 40, e: 2n ** 64n - 1n },
      { a: 0, b: 127, c: 128, d: 2 ** 40, e: 2n ** 64n - 1n },
    ],
    [
      'read_state paths (arrays of arrays of blobs)',
      { request_type: 'read_state', paths: [[new Uint8Array([1]), new Uint8Array([2, 3])], []] },
      { request_type: 'read_state', paths: [[new Uint8Array([1]), new Uint8Array([2, 3])], []] },
    ],
    [
      'a nested delegation map with targets',
      {
        delegation: {
          pubkey: new Uint8Array(44).fill(5),
          expiration: 1700000000000000000n,
          targets: [new Uint8Array([0, 1]), new Uint8Array([0, 2])],
        },
      },
      {
        delegation: {
          pubkey: new Uint8Array(44).fill(5),
          expiration: 1700000000000000000n,
          targets: [new Uint8Array([0, 1]), new Uint8Array([0, 2])],
        },
      },
    ],
    [
      'a query response with a nested reply map',
      {
        status: 'replied',
        reply: { arg: new Uint8Array([9]) },
        timestamp: 1n,
        request_id: new Uint8Array(32),
      },
      {
        status: 'replied',
        reply: { arg: new Uint8Array([9]) },
        timestamp: 1n,
        request_id: new Uint8Array(32),
      },
    ],
    [
      'an 8-byte BigInt expiry and Principal-valued fields',
      {
        ingress_expiry: 1685570400000000000n,
        sender: Principal.anonymous().toUint8Array(),
        canister_id: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array(),
        text: 'ünïcödé ✓',
      },
      {
        ingress_expiry: Expiry.fromJSON('{"__expiry__":"1685570400000000000"}'),
        sender: Principal.anonymous(),
        canister_id: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai'),
        text: 'ünïcödé ✓',
      },
    ],
  ];

  it.each(cases)('hashOfMap matches the agent on %s', (_name, ours, theirs) => {
    expect(hex(hashOfMap(ours))).toBe(hex(agentRequestIdOf(theirs)));
  });

  it('hashOfMap hashes negative integers with signed LEB128', () => {
    // sleb128(-129) = ff 7e; the spec hashes int values as sha256 of that.
    const expected = sha256(
      new Uint8Array([
        ...sha256(new TextEncoder().encode('n')),
        ...sha256(new Uint8Array([0xff, 0x7e])),
      ]),
    );
    expect(hex(hashOfMap({ n: -129 }))).toBe(hex(expected));
    expect(hex(hashOfMap({ n: -129n }))).toBe(hex(expected));
  });
});

describe('hashOfMap rejections', () => {
  it.each([
    ['a boolean', { flag: true }],
    ['null', { none: null }],
    ['a float', { ratio: 0.5 }],
    ['an undefined array element', { list: [undefined] }],
  ])('hashOfMap fails on %s', (_name, map) => {
    let caught: unknown;
    try {
      hashOfMap(map as CborMap);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CitadelError);
    expect((caught as CitadelError).code).toBe(RequestIdErrorCode.UNHASHABLE_VALUE);
  });

  it('hashOfMap fails on cyclic maps with a limit error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => hashOfMap(cyclic as CborMap)).toThrow(
      expect.objectContaining({ code: RequestIdErrorCode.MAX_DEPTH }),
    );
  });
});
